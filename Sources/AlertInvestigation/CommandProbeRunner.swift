import AlertReading
import VigilBase
import Logging

#if os(Linux)
import Glibc
#endif

/// Runs one command probe as a child process, without a shell and without blocking a thread.
///
/// ## What the child gets
/// The executable is started with `posix_spawn` (never `/bin/sh -c` of a built string): `argv` is the executable
/// path followed by the configured arguments, verbatim. The environment is exactly the one passed in (normally
/// ``ProbeEnvironment/variables(for:)``); Vigil's own environment, which holds the Slack tokens, is never inherited.
/// stdin is `/dev/null`; stdout and stderr share one pipe; every other descriptor is closed in the child
/// (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34+; on older libcs every descriptor is marked
/// close-on-exec first). The working directory is `/` when the libc supports it. Signal dispositions are reset to
/// their defaults and the signal mask is cleared, so a probe is not affected by what Vigil ignores or blocks. The
/// child leads its own process group (`POSIX_SPAWN_SETPGROUP`), so signals reach everything it starts.
///
/// ## How it is watched
/// The project allows exactly two foreign threads (the lws service thread and the curl multi thread), and async
/// code must never block a cooperative thread, so there is no thread parked in `waitpid` or `read` and no
/// `SIGCHLD` handler (a process-wide signal handler would belong to the service group). Instead the runner polls:
/// it drains the non-blocking pipe, checks for exit with `waitid(…, WNOHANG | WNOWAIT)`, and sleeps with
/// `Task.sleep` between rounds — 5 ms at first, doubling to 50 ms while nothing happens, back to 5 ms whenever
/// output arrives. A suspended task costs no thread, a quiet probe costs about 20 wake-ups a second, and a chatty
/// one is drained fast enough (the pipe holds 64 KiB) that it never stalls for long on a full pipe.
///
/// ## Output, timeout, cancellation
/// The head of the output, up to the limit, is kept; the rest is read and counted but dropped, so the child never
/// blocks on a full pipe. At the timeout the whole process group gets `SIGTERM`, then `SIGKILL` after
/// ``terminationGracePeriod``. When the child exits — on its own or not — anything still running in its process
/// group is killed with `SIGKILL` (the exited child is not yet reaped at that point, so its process-group id
/// cannot have been reused), the child is reaped, and the pipe is read to end-of-file for at most
/// ``drainGracePeriod`` (a process that left the group could otherwise hold it open forever). Cancelling the
/// calling task kills the process group with `SIGKILL`, still reaps the child, and then throws
/// `CancellationError`.
public struct CommandProbeRunner: Sendable {
    /// Time between `SIGTERM` and `SIGKILL` when a probe times out.
    public var terminationGracePeriod: Duration
    /// How long to keep reading the pipe after the child exited, waiting for end-of-file.
    public var drainGracePeriod: Duration

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - terminationGracePeriod: Time between `SIGTERM` and `SIGKILL` on timeout (default 2 s).
    ///   - drainGracePeriod: How long to wait for end-of-file after the child exited (default 1 s).
    public init(terminationGracePeriod: Duration = .seconds(2), drainGracePeriod: Duration = .seconds(1)) {
        self.terminationGracePeriod = terminationGracePeriod
        self.drainGracePeriod = drainGracePeriod
    }

    /// Runs a ``ProbeSpec/command(name:executable:arguments:timeout:outputLimitBytes:requiresApproval:)`` probe
    /// about `alert`, with the sanitised ``ProbeEnvironment`` as its environment; the values sanitising left out
    /// are named in the result's ``ProbeResult/notes``. Approval is not checked here.
    ///
    /// - Parameters:
    ///   - probe: The probe; an HTTP probe yields ``ProbeOutcome/couldNotStart(reason:)``.
    ///   - alert: The alert whose fields become environment variables.
    ///   - logger: Where start failures and timeouts are logged.
    /// - Returns: The result.
    /// - Throws: `CancellationError` when the task is cancelled (after the child is killed and reaped).
    public func run(_ probe: ProbeSpec, alert: Alert, logger: Logger) async throws -> ProbeResult {
        guard case .command(let name, let executable, let arguments, let timeout, let limit, _) = probe else {
            return ProbeResult(name: probe.name, outcome: .couldNotStart(reason: "not a command probe"))
        }
        let environment = ProbeEnvironment(alert: alert)
        if !environment.notes.isEmpty {
            logger.notice(
                "alert values left out of a probe's environment",
                metadata: ["vigil.probe": "\(name)", "vigil.probe.notes": "\(environment.notes.joined(separator: "; "))"]
            )
        }
        var result = try await run(
            name: name,
            executable: executable,
            arguments: arguments,
            environment: environment.variables,
            timeout: timeout,
            outputLimitBytes: limit,
            logger: logger
        )
        result.notes += environment.notes
        return result
    }

    /// Runs `executable` with `arguments` and exactly `environment`, and reports how it ended.
    ///
    /// - Parameters:
    ///   - name: The probe name reported in the result and logs.
    ///   - executable: Absolute path of the program; it is not looked up in `PATH`.
    ///   - arguments: `argv[1...]`, passed verbatim.
    ///   - environment: The child's complete environment.
    ///   - timeout: When to stop the child's process group.
    ///   - outputLimitBytes: How many bytes of combined stdout+stderr to keep.
    ///   - logger: Where start failures and timeouts are logged.
    /// - Returns: The result; start failures are ``ProbeOutcome/couldNotStart(reason:)``, never thrown.
    /// - Throws: `CancellationError` when the task is cancelled (after the child is killed and reaped).
    public func run(
        name: String,
        executable: String,
        arguments: [String],
        environment: [String: String],
        timeout: Duration,
        outputLimitBytes: Int,
        logger: Logger
    ) async throws -> ProbeResult {
        try Task.checkCancellation()
        let logger = logger.naming(probe: name)
        let clock = ContinuousClock()
        let start = clock.now

        #if os(Linux)
        let child: SpawnedChild
        switch SpawnedChild.spawn(executable: executable, arguments: arguments, environment: environment) {
        case .failure(let failure):
            logger.warning("probe could not start", metadata: ["vigil.probe.reason": "\(failure.reason)"])
            return ProbeResult(
                name: name,
                outcome: .couldNotStart(reason: failure.reason),
                duration: start.duration(to: clock.now)
            )
        case .success(let spawned):
            child = spawned
        }
        logger.debug("probe started", metadata: ["vigil.probe.pid": "\(child.pid)"])

        var capture = OutputCapture(limit: max(0, outputLimitBytes))
        let minimumInterval = Duration.milliseconds(5)
        let maximumInterval = Duration.milliseconds(50)
        var interval = minimumInterval
        let deadline = start.advanced(by: timeout)
        var killAt: ContinuousClock.Instant?
        var killed = false
        var timedOut = false
        var cancelled = false
        var pipeOpen = true

        func killGroup(_ signal: Int32) {
            // Negative pid: the whole process group the child leads.
            _ = kill(-child.pid, signal)
        }

        var state: SpawnedChild.State
        while true {
            if pipeOpen {
                let drained = capture.drain(child.outputFD)
                pipeOpen = !drained.endOfFile
                interval = drained.bytes > 0 ? minimumInterval : min(interval * 2, maximumInterval)
            } else {
                interval = min(interval * 2, maximumInterval)
            }
            state = child.peek()
            if case .running = state {} else { break }

            if !cancelled, Task.isCancelled { cancelled = true }
            if cancelled, !killed {
                killGroup(SIGKILL)
                killed = true
            }
            let now = clock.now
            if !timedOut, !cancelled, now >= deadline {
                timedOut = true
                logger.warning("probe timed out; sending SIGTERM to its process group")
                killGroup(SIGTERM)
                killAt = now.advanced(by: terminationGracePeriod)
            }
            if let killAt, !killed, now >= killAt {
                logger.warning("probe ignored SIGTERM; sending SIGKILL to its process group")
                killGroup(SIGKILL)
                killed = true
            }
            if cancelled {
                await Self.sleepIgnoringCancellation(for: interval)
            } else {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    cancelled = true
                }
            }
        }

        // The child has exited but is not reaped yet, so its pid — which is also its process-group id — cannot be
        // reused: killing the group now only reaches what the probe left behind.
        if case .exited = state { killGroup(SIGKILL) }
        child.reap()
        let drainDeadline = clock.now.advanced(by: drainGracePeriod)
        interval = minimumInterval
        while pipeOpen {
            let drained = capture.drain(child.outputFD)
            pipeOpen = !drained.endOfFile
            guard pipeOpen, clock.now < drainDeadline else { break }
            if cancelled || Task.isCancelled {
                cancelled = true
                await Self.sleepIgnoringCancellation(for: interval)
            } else {
                do { try await Task.sleep(for: interval) } catch { cancelled = true }
            }
            interval = min(interval * 2, maximumInterval)
        }
        child.closeOutput()

        if cancelled { throw CancellationError() }

        let outcome: ProbeOutcome
        switch state {
        case .exited(let status) where timedOut:
            logger.debug("probe stopped after timeout", metadata: ["vigil.probe.status": "\(status)"])
            outcome = .timedOut
        case .exited(.exitCode(0)):
            outcome = .succeeded(.exitCode(0))
        case .exited(let status):
            outcome = .failed(status)
        case .gone, .running:
            outcome = timedOut ? .timedOut : .failed(.unknown)
        }
        return ProbeResult(
            name: name,
            outcome: outcome,
            duration: start.duration(to: clock.now),
            output: String(decoding: capture.head, as: UTF8.self),
            truncatedBytes: capture.dropped
        )
        #else
        return ProbeResult(
            name: name,
            outcome: .couldNotStart(reason: "command probes are only supported on Linux"),
            duration: start.duration(to: clock.now)
        )
        #endif
    }

    /// Sleeps for `duration` even though the current task is cancelled.
    ///
    /// After cancellation the child has been sent `SIGKILL`, but it still has to be reaped, and `Task.sleep` in a
    /// cancelled task returns at once (the loop would spin). The short sleep therefore runs in a fresh task, which
    /// does not inherit the cancellation; it is awaited right here, so it never outlives the call.
    private static func sleepIgnoringCancellation(for duration: Duration) async {
        await Task { try? await Task.sleep(for: duration) }.value
    }
}
