import Logging
import Testing
import AlertInvestigation
import CurlHTTP
import VigilBase

/// A fake HTTP boundary whose requests stay in flight until the test releases them one by one; it counts how many
/// are in flight at once.
actor BlockingHTTPClient: ProbeHTTPClient {
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0
    private(set) var started = 0
    private(set) var finished = 0
    private var blocked: [CheckedContinuation<Void, Never>] = []

    var blockedCount: Int { blocked.count }

    func get(url: String, timeout: Duration, destinations: ProbeDestinationPolicy) async throws
        -> (status: Int, body: [UInt8])
    {
        started += 1
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        await withCheckedContinuation { blocked.append($0) }
        inFlight -= 1
        finished += 1
        return (200, [])
    }

    /// Lets the oldest blocked request answer; `false` when none is blocked.
    func releaseOne() -> Bool {
        guard !blocked.isEmpty else { return false }
        blocked.removeFirst().resume()
        return true
    }
}

@Suite("Probe permits", .timeLimit(.minutes(1)))
struct ProbePermitsTests {
    static let logger = Logger(label: "vigil.test.permits", factory: { _ in SwiftLogNoOpLogHandler() })

    static func probes(_ prefix: String, _ count: Int) -> [ProbeSpec] {
        (0..<count).map {
            .http(name: "\(prefix)\($0)", urlTemplate: URLTemplate("https://probe.example/\(prefix)\($0)"), timeout: .seconds(50))
        }
    }

    static func plan(_ probes: [ProbeSpec]) -> RunbookPlan {
        RunbookPlan(alert: InvestigationFixtures.alert(), rules: [RunbookRule(name: "all", probes: probes)])
    }

    /// Polls `condition` (never deciding an outcome by time alone: it fails only when the state is not reached).
    static func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while await !condition() {
            try #require(ContinuousClock.now < deadline, "never reached: \(what)")
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test("the limit holds across plans, executor copies, workspaces and single re-runs")
    func processWideLimit() async throws {
        let client = BlockingHTTPClient()
        let first = ProbeExecutor(httpClient: client, maximumConcurrency: 2)
        let copy = first  // another workspace's copy of the daemon's executor
        let sharing = ProbeExecutor(httpClient: client, permits: first.permits)
        let permits = first.permits

        async let planA = first.run(Self.plan(Self.probes("a", 3)), logger: Self.logger)
        async let planB = copy.run(Self.plan(Self.probes("b", 3)), logger: Self.logger)
        async let rerun = sharing.run(Self.probes("r", 1)[0], alert: InvestigationFixtures.alert(), logger: Self.logger)

        // Each plan starts up to two probes and the re-run one: five contend, two run, three wait for a permit.
        try await Self.waitUntil("two running, three waiting") {
            let running = await client.blockedCount
            let waiting = await permits.waiting
            return running == 2 && waiting == 3
        }
        #expect(await client.maxInFlight == 2)
        #expect(await permits.inUse == 2)

        while await client.finished < 7 {
            if await !client.releaseOne() { try await Task.sleep(for: .milliseconds(1)) }
        }
        let (a, b, r) = try await (planA, planB, rerun)
        #expect(a.map(\.outcome) == Array(repeating: .succeeded(.httpStatus(200)), count: 3))
        #expect(b.map(\.outcome) == Array(repeating: .succeeded(.httpStatus(200)), count: 3))
        #expect(r.outcome == .succeeded(.httpStatus(200)))
        #expect(await client.maxInFlight == 2, "never more than the limit at once")
        #expect(await client.started == 7)
        #expect(await permits.inUse == 0)
        #expect(await permits.waiting == 0)
    }

    @Test("separate pools do not bound each other (the shared pool is what bounds the process)")
    func separatePools() async throws {
        let client = BlockingHTTPClient()
        let one = ProbeExecutor(httpClient: client, maximumConcurrency: 2)
        let other = ProbeExecutor(httpClient: client, maximumConcurrency: 2)
        async let planA = one.run(Self.plan(Self.probes("a", 2)), logger: Self.logger)
        async let planB = other.run(Self.plan(Self.probes("b", 2)), logger: Self.logger)
        try await Self.waitUntil("four running") { await client.blockedCount == 4 }
        while await client.finished < 4 {
            if await !client.releaseOne() { try await Task.sleep(for: .milliseconds(1)) }
        }
        _ = try await (planA, planB)
        #expect(await client.maxInFlight == 4)
    }

    @Test("a cancelled waiter leaves the queue and never runs; the permit count stays right")
    func cancelledWaiter() async throws {
        let client = BlockingHTTPClient()
        let executor = ProbeExecutor(httpClient: client, maximumConcurrency: 1)
        let permits = executor.permits
        let alert = InvestigationFixtures.alert()
        let probes = Self.probes("p", 2)

        async let holder = executor.run(probes[0], alert: alert, logger: Self.logger)
        try await Self.waitUntil("the first probe holds the permit") { await client.blockedCount == 1 }
        let waiter = Task { try await executor.run(probes[1], alert: alert, logger: Self.logger) }
        try await Self.waitUntil("the second probe waits") { await permits.waiting == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await permits.waiting == 0)
        #expect(await client.started == 1, "the cancelled probe never ran")

        #expect(await client.releaseOne())
        #expect(try await holder.outcome == .succeeded(.httpStatus(200)))
        #expect(await permits.inUse == 0)
    }
}
