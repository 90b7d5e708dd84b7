// `Glob`: the matcher of `=~`, of name filters and of the golden scripts' `# expect:` lines.
import Testing

@testable import FshRuntime

@Suite("Runtime: glob")
struct GlobTests {
  @Test func literalTextMatchesOnlyItself() {
    #expect(Glob.matches("", ""))
    #expect(!Glob.matches("", "a"))
    #expect(!Glob.matches("a", ""))
    #expect(Glob.matches("web-data", "web-data"))
    #expect(!Glob.matches("web-data", "web-datA"))
    #expect(!Glob.matches("web-data", "web-data2"))
    #expect(!Glob.matches("web-data", "xweb-data"))
  }

  @Test func questionMarkIsExactlyOneCharacter() {
    #expect(Glob.matches("a?c", "abc"))
    #expect(Glob.matches("a?c", "a?c"))
    #expect(!Glob.matches("a?c", "ac"))
    #expect(!Glob.matches("a?c", "abbc"))
    #expect(Glob.matches("??", "é✓"))
  }

  @Test func starIsAnyRunIncludingNone() {
    #expect(Glob.matches("*", ""))
    #expect(Glob.matches("*", "anything at all"))
    #expect(Glob.matches("web-*", "web-"))
    #expect(Glob.matches("web-*", "web-data"))
    #expect(!Glob.matches("web-*", "db-web-data"))
    #expect(Glob.matches("*-data", "web-data"))
    #expect(!Glob.matches("*-data", "web-data-2"))
    #expect(Glob.matches("a**b", "ab"))
    #expect(Glob.matches("*x*", "x"))
    #expect(!Glob.matches("*x*", "yyy"))
  }

  @Test func starBacktracksToALaterOccurrence() {
    // The first "b" after "a" is not the one that lets the rest match.
    #expect(Glob.matches("a*bc", "abxbc"))
    #expect(Glob.matches("*ab*ab", "xabyabab"))
    #expect(!Glob.matches("a*bc", "abxbd"))
    #expect(Glob.matches("created * (pending)", "created web (x) (pending)"))
  }

  @Test func bracketIsOneCharacterOfTheSet() {
    #expect(Glob.matches("n[123]", "n2"))
    #expect(!Glob.matches("n[123]", "n4"))
    #expect(!Glob.matches("n[123]", "n"))
    #expect(!Glob.matches("n[123]", "n12"))
    #expect(Glob.matches("[ab]*", "beta"))
    #expect(!Glob.matches("[ab]*", "gamma"))
    #expect(Glob.matches("*[xy]", "zzy"))
  }

  @Test func anUnclosedBracketIsLiteral() {
    #expect(Glob.matches("a[b", "a[b"))
    #expect(!Glob.matches("a[b", "ab"))
  }
}
