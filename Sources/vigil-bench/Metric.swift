/// One measured figure of a session (one worker process).
enum Metric: String, Sendable, CaseIterable, Hashable {
    /// Ack latency at 500/s, milliseconds.
    case ackP50, ackP99, ackMax
    /// Burst of 5,000: envelopes acked, acks per second, max latency (ms), acks later than Slack's 3 s.
    case burstAcked, burstRate, burstMax, burstLate
    /// Ack latency (ms) under the alert load with instant posts (the control) and with every chat.postMessage
    /// taking 2 s, and the replies that arrived within the wait in the slow case.
    case controlP50, controlP99, controlMax
    case slowP50, slowP99, slowMax, slowReplies
    /// Resident memory (MiB): idle after connect, before and after 20,000 envelopes, and the growth.
    case rssIdle, rssBeforeSoak, rssAfterSoak, rssGrowth
    /// The idle RSS by mapping (MiB): the worker's own executable file, other files (shared libraries), anonymous.
    case rssIdleExecutable, rssIdleLibraries, rssIdleAnonymous
    /// CPU seconds (user + sys) per 10,000 envelopes; CPU milliseconds per second while idle after connect.
    case cpuPer10k, idleCPU
    /// Bot post written → thread reply received (ms); replies missing.
    case e2eP50, e2eP99, e2eMissing
    /// Envelopes never acked, over all scenarios of the session (the simulator does not redeliver in the bench).
    case lost
    /// 1 when SIGTERM ended the process with exit status 0 within 10 s, else 0.
    case cleanExit
}
