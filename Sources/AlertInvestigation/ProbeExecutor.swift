import Logging
import AlertReading
import CurlHTTP
import VigilBase

/// Runs a plan's probes concurrently and returns results in plan order; how many probes run at once in the whole
/// process is bounded by one shared ``ProbePermits`` pool (`limits.probe_concurrency`).
///
/// Every copy of an executor shares its pool, and the daemon creates exactly one executor for all workspaces, so the
/// bound holds across every plan of every workspace and for approved re-runs too: each probe waits for a permit
/// before it starts (see ``run(_:alert:logger:)``). Probes that require approval and are not in
/// `approvedProbeNames` are not run: they come back as ``ProbeOutcome/awaitingApproval`` so the conversation layer
/// can ask a person, then re-run just those with ``run(_:alert:logger:)`` once approved. All work happens in child
/// tasks of a task group; cancelling the caller cancels every probe (waiting ones leave the queue, running commands
/// are killed and reaped) and rethrows `CancellationError`.
public struct ProbeExecutor: Sendable {
    /// Runs command probes.
    public var commandRunner: CommandProbeRunner
    /// Sends HTTP probes' requests; when `nil`, HTTP probes report ``ProbeOutcome/couldNotStart(reason:)``.
    public var httpClient: (any ProbeHTTPClient)?
    /// The process-wide bound on probes running at once, shared by every copy of this executor.
    public let permits: ProbePermits

    /// How many probes may run at the same time in the whole process (at least 1).
    public var maximumConcurrency: Int { permits.limit }

    /// Creates an executor with a pool of its own.
    ///
    /// - Parameters:
    ///   - commandRunner: The command runner (default settings by default).
    ///   - httpClient: The HTTP boundary, or `nil` when HTTP probes are not available.
    ///   - maximumConcurrency: Probes running at once, across every plan run by this executor and its copies
    ///     (default 4; values below 1 mean 1).
    public init(
        commandRunner: CommandProbeRunner = CommandProbeRunner(),
        httpClient: (any ProbeHTTPClient)? = nil,
        maximumConcurrency: Int = 4
    ) {
        self.init(commandRunner: commandRunner, httpClient: httpClient, permits: ProbePermits(limit: maximumConcurrency))
    }

    /// Creates an executor that draws on an existing pool.
    ///
    /// - Parameters:
    ///   - commandRunner: The command runner.
    ///   - httpClient: The HTTP boundary, or `nil` when HTTP probes are not available.
    ///   - permits: The pool bounding how many probes run at once.
    public init(commandRunner: CommandProbeRunner = CommandProbeRunner(), httpClient: (any ProbeHTTPClient)?, permits: ProbePermits) {
        self.commandRunner = commandRunner
        self.httpClient = httpClient
        self.permits = permits
    }

    /// Runs every probe of `plan`, except unapproved ones that require approval.
    ///
    /// - Parameters:
    ///   - plan: The plan; its alert supplies environment variables and URL placeholders.
    ///   - approvedProbeNames: Names of approval-requiring probes a person has approved.
    ///   - logger: Passed to the runners.
    /// - Returns: One result per probe of the plan, in plan order.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func run(
        _ plan: RunbookPlan,
        approvedProbeNames: Set<String> = [],
        logger: Logger
    ) async throws -> [ProbeResult] {
        var results: [ProbeResult?] = Array(repeating: nil, count: plan.probes.count)
        var runnable: [(index: Int, probe: ProbeSpec)] = []
        for (index, probe) in plan.probes.enumerated() {
            if probe.requiresApproval, !approvedProbeNames.contains(probe.name) {
                results[index] = ProbeResult(name: probe.name, outcome: .awaitingApproval)
            } else {
                runnable.append((index, probe))
            }
        }
        let alert = plan.alert
        // At most `maximumConcurrency` child tasks at a time, started in plan order (so a bound of 1 runs the plan in
        // order); each also waits for a permit of the shared pool, which other plans draw on too.
        let finished = try await withThrowingTaskGroup(of: (Int, ProbeResult).self) { group in
            var pending = runnable.makeIterator()
            var collected: [(Int, ProbeResult)] = []
            for _ in 0..<maximumConcurrency {
                guard let next = pending.next() else { break }
                group.addTask { (next.index, try await self.run(next.probe, alert: alert, logger: logger)) }
            }
            while let result = try await group.next() {
                collected.append(result)
                if let next = pending.next() {
                    group.addTask { (next.index, try await self.run(next.probe, alert: alert, logger: logger)) }
                }
            }
            return collected
        }
        for (index, result) in finished { results[index] = result }
        return results.enumerated().map { index, result in
            result ?? ProbeResult(name: plan.probes[index].name, outcome: .couldNotStart(reason: "probe was not run"))
        }
    }

    /// Runs one probe as soon as a permit of the shared pool is free, regardless of approval (the caller is
    /// responsible for having obtained it).
    ///
    /// - Parameters:
    ///   - probe: The probe.
    ///   - alert: The alert supplying environment variables and URL placeholders.
    ///   - logger: Passed to the runner.
    /// - Returns: The result.
    /// - Throws: `CancellationError` when the task is cancelled (while waiting for a permit or running).
    public func run(_ probe: ProbeSpec, alert: Alert, logger: Logger) async throws -> ProbeResult {
        try await permits.withPermit {
            switch probe {
            case .command:
                return try await commandRunner.run(probe, alert: alert, logger: logger)
            case .http(let name, let urlTemplate, let timeout, let expectStatus, let outputLimitBytes, let destinations):
                return try await runHTTP(
                    name: name,
                    urlTemplate: urlTemplate,
                    timeout: timeout,
                    expectStatus: expectStatus,
                    outputLimitBytes: outputLimitBytes,
                    destinations: destinations,
                    alert: alert,
                    logger: logger
                )
            }
        }
    }

    private enum HTTPRace: Sendable {
        case response(status: Int, body: [UInt8])
        case failure(String)
        case timedOut
    }

    private func runHTTP(
        name: String,
        urlTemplate: URLTemplate,
        timeout: Duration,
        expectStatus: ClosedRange<Int>?,
        outputLimitBytes: Int,
        destinations: ProbeDestinationPolicy,
        alert: Alert,
        logger: Logger
    ) async throws -> ProbeResult {
        try Task.checkCancellation()
        let logger = logger.naming(probe: name)
        let start = ContinuousClock.now
        guard let client = httpClient else {
            return ProbeResult(name: name, outcome: .couldNotStart(reason: "no HTTP client is configured"))
        }
        // The configuration refused templates that put a placeholder in the scheme, host or port, and literal
        // forbidden hosts; checked again here for probes built in code. The addresses are checked while connecting.
        let url: String
        do {
            let host = try urlTemplate.requestHost()
            if let refusal = destinations.refusal(forHost: host) {
                logger.warning("HTTP probe destination refused", metadata: ["vigil.probe.reason": "\(refusal)"])
                return ProbeResult(name: name, outcome: .couldNotStart(reason: "destination refused: \(refusal)"))
            }
            url = try urlTemplate.render(for: alert)
        } catch {
            return ProbeResult(name: name, outcome: .couldNotStart(reason: error.description))
        }

        // Race the request against the timeout; the loser is cancelled and awaited.
        let race: HTTPRace =
            await value(within: timeout) {
                do {
                    let response = try await client.get(url: url, timeout: timeout, destinations: destinations)
                    return .response(status: response.status, body: response.body)
                } catch {
                    return .failure(String(describing: error))
                }
            } ?? .timedOut
        try Task.checkCancellation()
        let duration = start.duration(to: .now)

        switch race {
        case .timedOut:
            logger.warning("HTTP probe timed out")
            return ProbeResult(name: name, outcome: .timedOut, duration: duration)
        case .failure(let description):
            if duration >= timeout {
                logger.warning("HTTP probe timed out")
                return ProbeResult(name: name, outcome: .timedOut, duration: duration)
            }
            let reason = description.count > 300 ? String(description.prefix(300)) + "…" : description
            return ProbeResult(name: name, outcome: .failed(.requestFailed(reason)), duration: duration)
        case .response(let status, let body):
            var capture = OutputCapture(limit: max(0, outputLimitBytes))
            capture.append(body)
            let passed = expectStatus.map { $0.contains(status) } ?? true
            return ProbeResult(
                name: name,
                outcome: passed ? .succeeded(.httpStatus(status)) : .failed(.httpStatus(status)),
                duration: duration,
                output: String(decoding: capture.head, as: UTF8.self),
                truncatedBytes: capture.dropped
            )
        }
    }
}
