/// How a probe ended.
public enum ProbeOutcome: Sendable, Hashable {
    /// The probe passed: a command exited with status 0, or an HTTP response had an expected status.
    case succeeded(ProbeStatus)
    /// The probe ran and failed: non-zero exit, killed by a signal, unexpected HTTP status, or the request failed.
    case failed(ProbeStatus)
    /// The probe did not finish within its timeout and was stopped (the command's process group was killed).
    case timedOut
    /// The probe could not be started; `reason` says why (missing executable, unrenderable URL, no HTTP client…).
    case couldNotStart(reason: String)
    /// The probe requires a person's approval and was not run.
    case awaitingApproval

    /// Whether this is ``succeeded(_:)``.
    public var isSuccess: Bool {
        if case .succeeded = self { return true }
        return false
    }
}
