/// The raw status a probe produced.
public enum ProbeStatus: Sendable, Hashable {
    /// The command exited normally with this status.
    case exitCode(Int32)
    /// The command was terminated by this signal.
    case signal(Int32)
    /// The HTTP request got a response with this status.
    case httpStatus(Int)
    /// The HTTP request failed without a response; the text describes the error.
    case requestFailed(String)
    /// The command ended but its exit status could not be collected (another part of the process reaped it, for
    /// example because `SIGCHLD` is ignored).
    case unknown
}
