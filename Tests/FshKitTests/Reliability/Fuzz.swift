// Seeded, bounded random testing ("fuzzing in CI"): the same inputs on every run, so a failure
// reproduces; `FSH_FUZZ_SEED` and `FSH_FUZZ_SCALE` explore further by hand.
import Foundation

/// SplitMix64: small, fast, deterministic.
struct SeededRandom: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

enum Fuzz {
  /// The seed of every fuzz test: `FSH_FUZZ_SEED` or a fixed value.
  static let seed: UInt64 =
    ProcessInfo.processInfo.environment["FSH_FUZZ_SEED"].flatMap {
      UInt64($0)
    } ?? 0x00F5_4F00_2025

  /// Iterations scaled by `FSH_FUZZ_SCALE` (e.g. 10 for a longer local run).
  static func iterations(_ n: Int) -> Int {
    let scale = ProcessInfo.processInfo.environment["FSH_FUZZ_SCALE"].flatMap { Double($0) } ?? 1
    return max(1, Int(Double(n) * scale))
  }

  static func rng(_ salt: UInt64) -> SeededRandom { SeededRandom(seed: seed ^ salt) }

  /// A random string made of pieces that matter to the code under test.
  static func string(
    from pieces: [String], maxPieces: Int, using g: inout SeededRandom
  ) -> String {
    var s = ""
    for _ in 0..<Int.random(in: 0...maxPieces, using: &g) {
      s += pieces.randomElement(using: &g)!
    }
    return s
  }

  /// Random mutations of bytes: flips, deletions, insertions, duplications, truncation.
  static func mutate(_ input: [UInt8], using g: inout SeededRandom, interesting: [UInt8] = [])
    -> [UInt8]
  {
    var b = input
    for _ in 0..<Int.random(in: 1...4, using: &g) {
      let op = Int.random(in: 0..<7, using: &g)
      let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &g)
      switch op {
      case 0 where !b.isEmpty: b[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &g))
      case 1 where !b.isEmpty: b.remove(at: at)
      case 2: b.insert(UInt8.random(in: 0...255, using: &g), at: at)
      case 3 where !interesting.isEmpty:
        b.insert(interesting.randomElement(using: &g)!, at: at)
      case 4 where !b.isEmpty:
        let end = min(b.count, at + Int.random(in: 1...16, using: &g))
        b.insert(contentsOf: b[at..<end], at: at)
      case 5 where !b.isEmpty: b = Array(b[..<at])
      case 6 where !b.isEmpty: b[at] = interesting.randomElement(using: &g) ?? 0
      default: break
      }
    }
    return b
  }
}
