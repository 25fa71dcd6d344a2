import Logging

/// Runs a plan's probes concurrently, at most ``maximumConcurrency`` at a time, and returns results in plan order.
///
/// Probes that require approval and are not in `approvedProbeNames` are not run: they come back as
/// ``ProbeOutcome/awaitingApproval`` so the conversation layer can ask a person, then re-run just those with
/// ``run(_:alert:logger:)`` once approved. All work happens in child tasks of a task group; cancelling the caller
/// cancels every probe (running commands are killed and reaped) and rethrows `CancellationError`.
public struct ProbeExecutor: Sendable {
    /// Runs command probes.
    public var commandRunner: CommandProbeRunner
    /// Sends HTTP probes' requests; when `nil`, HTTP probes report ``ProbeOutcome/couldNotStart(reason:)``.
    public var httpClient: (any ProbeHTTPClient)?
    /// How many probes may run at the same time (at least 1).
    public var maximumConcurrency: Int

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - commandRunner: The command runner (default settings by default).
    ///   - httpClient: The HTTP boundary, or `nil` when HTTP probes are not available.
    ///   - maximumConcurrency: Probes running at once (default 4; values below 1 mean 1).
    public init(
        commandRunner: CommandProbeRunner = CommandProbeRunner(),
        httpClient: (any ProbeHTTPClient)? = nil,
        maximumConcurrency: Int = 4
    ) {
        self.commandRunner = commandRunner
        self.httpClient = httpClient
        self.maximumConcurrency = maximumConcurrency
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
        let finished = try await withThrowingTaskGroup(of: (Int, ProbeResult).self) { group in
            var pending = runnable.makeIterator()
            var collected: [(Int, ProbeResult)] = []
            for _ in 0..<max(1, maximumConcurrency) {
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

    /// Runs one probe now, regardless of approval (the caller is responsible for having obtained it).
    ///
    /// - Parameters:
    ///   - probe: The probe.
    ///   - alert: The alert supplying environment variables and URL placeholders.
    ///   - logger: Passed to the runner.
    /// - Returns: The result.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func run(_ probe: ProbeSpec, alert: Alert, logger: Logger) async throws -> ProbeResult {
        switch probe {
        case .command:
            return try await commandRunner.run(probe, alert: alert, logger: logger)
        case .http(let name, let urlTemplate, let timeout, let expectStatus, let outputLimitBytes):
            return try await runHTTP(
                name: name,
                urlTemplate: urlTemplate,
                timeout: timeout,
                expectStatus: expectStatus,
                outputLimitBytes: outputLimitBytes,
                alert: alert,
                logger: logger
            )
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
        alert: Alert,
        logger: Logger
    ) async throws -> ProbeResult {
        try Task.checkCancellation()
        var logger = logger
        logger[metadataKey: "slack.probe"] = "\(name)"
        let clock = ContinuousClock()
        let start = clock.now
        guard let client = httpClient else {
            return ProbeResult(name: name, outcome: .couldNotStart(reason: "no HTTP client is configured"))
        }
        let url: String
        do {
            url = try urlTemplate.render(for: alert)
        } catch {
            return ProbeResult(name: name, outcome: .couldNotStart(reason: error.description))
        }

        // Race the request against the timeout; the loser is cancelled and awaited.
        let race: HTTPRace =
            await value(within: timeout) {
                do {
                    let response = try await client.get(url: url, timeout: timeout)
                    return .response(status: response.status, body: response.body)
                } catch {
                    return .failure(String(describing: error))
                }
            } ?? .timedOut
        try Task.checkCancellation()
        let duration = start.duration(to: clock.now)

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
