import Glibc

/// Writing to a pipe whose reader may leave early (a pager quit with `q`, `| head -1`): the
/// SIGPIPE that would end fsh is blocked in the writing thread meanwhile, and one raised by
/// this write is taken before the thread's mask is restored.
public enum PipeWrite {
  /// Writes until done or the reader is gone (EINTR retried); false when not all was written.
  @discardableResult
  public static func all(_ bytes: [UInt8], to fd: Int32) -> Bool {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    var pendingBefore = sigset_t()
    sigpending(&pendingBefore)
    defer {
      var pending = sigset_t()
      sigpending(&pending)
      if sigismember(&pending, SIGPIPE) == 1 && sigismember(&pendingBefore, SIGPIPE) == 0 {
        var zero = timespec()
        _ = sigtimedwait(&pipeSignal, nil, &zero)
      }
      pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return false }
      written += n
    }
    return true
  }
}
