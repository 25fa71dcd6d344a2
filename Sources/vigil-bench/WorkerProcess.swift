import Foundation
import VigilBase
import Synchronization

/// One child process (Vigil, the Bolt worker, the ack floor, a helper), with stdout and stderr in a log file.
///
/// Started with `posix_spawn` and a clean signal state (empty signal mask, default dispositions), as systemd or a
/// shell would start it. (`Foundation.Process` passes on the blocked-signal mask of the spawning thread, and Swift
/// and NIO threads block most signals, so children would never see SIGTERM.) Exit is observed by polling
/// `waitpid(pid, WNOHANG)` every 10 ms from a monitor task; ``waitForExit(timeout:)`` is cancellable.
final class WorkerProcess: Sendable {
    /// How the process ended.
    enum Termination: Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let code): return "exit \(code)"
            case .signalled(let signal): return "killed by signal \(signal)"
            }
        }
    }

    private struct State {
        var termination: Termination?
        var waiters: [Int: CheckedContinuation<Termination?, Never>] = [:]
        var nextWaiter = 0
    }

    /// Short name for messages.
    let name: String
    /// The process id.
    let pid: Int32
    /// Where stdout and stderr go.
    let logPath: String
    private let state = Mutex(State())

    /// Starts `executable` with `arguments` and the parent's environment plus `environment`.
    /// - Throws: ``BenchError`` if the process cannot be started.
    init(
        name: String,
        executable: String,
        arguments: [String],
        environment: [String: String],
        logPath: String
    ) throws {
        self.name = name
        self.logPath = logPath
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        self.pid = try Self.spawn(
            executable: executable,
            arguments: arguments,
            environment: merged.map { "\($0.key)=\($0.value)" },
            logPath: logPath
        )
        Task { [self] in await self.monitor() }
    }

    private static func spawn(
        executable: String,
        arguments: [String],
        environment: [String],
        logPath: String
    ) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Int32(1)..<Int32(32) where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Reaps the child and resumes the waiters.
    private func monitor() async {
        while true {
            var status: Int32 = 0
            let reaped = waitpid(self.pid, &status, WNOHANG)
            if reaped == self.pid || (reaped < 0 && errno != EINTR) {
                let termination: Termination =
                    (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
                let waiters = self.state.withLock { state in
                    state.termination = termination
                    let waiters = Array(state.waiters.values)
                    state.waiters.removeAll()
                    return waiters
                }
                for waiter in waiters { waiter.resume(returning: termination) }
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// How the process ended, if it has.
    var termination: Termination? { self.state.withLock { $0.termination } }

    /// Waits for the process to end; `nil` on timeout or cancellation.
    func waitForExit(timeout: Duration) async -> Termination? {
        await value(within: timeout) { await self.exited() }
    }

    /// Resumes when the process ends, or with `nil` when the task is cancelled.
    private func exited() async -> Termination? {
        let id = self.state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination?, Never>) in
                let resumeNow: Termination?? = self.state.withLock { state in
                    if let termination = state.termination { return .some(termination) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    /// Sends a signal (SIGTERM by default) unless the process has ended.
    func signal(_ signal: Int32 = SIGTERM) {
        guard self.termination == nil else { return }
        kill(self.pid, signal)
    }

    /// Sends SIGTERM, waits up to `timeout`, then SIGKILL. Returns how it ended and whether it ended in time.
    func stop(timeout: Duration = .seconds(10)) async -> (termination: Termination?, inTime: Bool) {
        if let ended = self.termination { return (ended, true) }
        self.signal(SIGTERM)
        if let ended = await self.waitForExit(timeout: timeout) { return (ended, true) }
        self.signal(SIGKILL)
        return (await self.waitForExit(timeout: .seconds(5)), false)
    }

    /// The output so far.
    var output: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    /// The last `lines` lines of the process's output.
    func outputTail(lines: Int = 20) -> String {
        let text = self.output
        guard !text.isEmpty else { return "(no output)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// VmRSS in bytes, `nil` if gone.
    var residentBytes: Int? { ProcessMetrics.residentBytes(pid: self.pid) }

    /// The resident memory by mapping kind (own executable, other files, anonymous).
    var residentBreakdown: ProcessMetrics.ResidentBreakdown? { ProcessMetrics.residentBreakdown(pid: self.pid) }
    /// utime + stime in seconds, `nil` if gone.
    var cpuSeconds: Double? { ProcessMetrics.cpuSeconds(pid: self.pid) }
}
