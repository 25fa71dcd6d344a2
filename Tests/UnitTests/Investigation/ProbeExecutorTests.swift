import Foundation
import Logging
import Testing
import AlertInvestigation
import AlertReading
import CurlHTTP
import VigilBase

/// A fake HTTP boundary: holds the first `gateSize` requests until that many are in flight at once, records the
/// highest concurrency seen and every URL, and answers from a table.
actor GatedHTTPClient: ProbeHTTPClient {
    private let gateSize: Int
    private let responses: [String: (Int, String)]
    private var inFlight = 0
    private(set) var maxInFlight = 0
    private(set) var urls: [String] = []
    private var gateOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(gateSize: Int, responses: [String: (Int, String)] = [:]) {
        self.gateSize = gateSize
        self.responses = responses
    }

    func get(url: String, timeout: Duration, destinations: ProbeDestinationPolicy) async throws -> (status: Int, body: [UInt8]) {
        urls.append(url)
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        if inFlight >= gateSize { gateOpen = true }
        if gateOpen {
            for waiter in waiters { waiter.resume() }
            waiters.removeAll()
        } else {
            await withCheckedContinuation { waiters.append($0) }
        }
        inFlight -= 1
        let (status, body) = responses[url] ?? (200, "ok \(url)")
        return (status, Array(body.utf8))
    }
}

/// A fake HTTP boundary that never answers until cancelled.
struct HangingHTTPClient: ProbeHTTPClient {
    func get(url: String, timeout: Duration, destinations: ProbeDestinationPolicy) async throws -> (status: Int, body: [UInt8]) {
        try await Task.sleep(for: .seconds(3_600))
        return (200, [])
    }
}

/// A fake HTTP boundary that always fails without a response.
struct RefusingHTTPClient: ProbeHTTPClient {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    func get(url: String, timeout: Duration, destinations: ProbeDestinationPolicy) async throws -> (status: Int, body: [UInt8]) {
        throw Refused()
    }
}

@Suite("Probe executor", .timeLimit(.minutes(1)))
struct ProbeExecutorTests {
    typealias F = InvestigationFixtures

    static let logger = Logger(label: "vigil.test.executor", factory: { _ in SwiftLogNoOpLogHandler() })

    static func plan(_ probes: [ProbeSpec], alert: Alert = InvestigationFixtures.alert()) -> RunbookPlan {
        RunbookPlan(alert: alert, rules: [RunbookRule(name: "all", probes: probes)])
    }

    @Test("runs at most the bound at once, reaches it, and returns results in plan order")
    func concurrencyBoundAndOrder() async throws {
        let probes = (0..<10).map {
            ProbeSpec.http(
                name: "p\($0)",
                urlTemplate: URLTemplate("https://probe.example/\($0)"),
                timeout: .seconds(50)
            )
        }
        let client = GatedHTTPClient(gateSize: 4, responses: ["https://probe.example/3": (503, "down")])
        let executor = ProbeExecutor(httpClient: client, maximumConcurrency: 4)
        let results = try await executor.run(Self.plan(probes), logger: Self.logger)

        #expect(await client.maxInFlight == 4)
        #expect(results.map(\.name) == (0..<10).map { "p\($0)" })
        #expect(results[3].outcome == .failed(.httpStatus(503)))
        #expect(results[3].output == "down")
        #expect(
            results.enumerated().filter { $0.offset != 3 }.allSatisfy {
                $0.element.outcome == .succeeded(.httpStatus(200))
            }
        )
        #expect(results[7].output == "ok https://probe.example/7")
        #expect(Set(await client.urls).count == 10)
    }

    @Test("a bound of 1 runs probes one at a time")
    func serial() async throws {
        let probes = (0..<5).map {
            ProbeSpec.http(
                name: "p\($0)",
                urlTemplate: URLTemplate("https://probe.example/\($0)"),
                timeout: .seconds(50)
            )
        }
        let client = GatedHTTPClient(gateSize: 1)
        let results = try await ProbeExecutor(httpClient: client, maximumConcurrency: 1).run(
            Self.plan(probes),
            logger: Self.logger
        )
        #expect(await client.maxInFlight == 1)
        #expect(await client.urls == (0..<5).map { "https://probe.example/\($0)" })
        #expect(results.map(\.name) == ["p0", "p1", "p2", "p3", "p4"])
    }

    @Test("probes that need approval are not run unless approved")
    func approval() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vigil-approval-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appendingPathComponent("restarted").path
        let probes: [ProbeSpec] = [
            .command(name: "check", executable: "/bin/echo", arguments: ["checked"], timeout: .seconds(30)),
            .command(
                name: "restart",
                executable: "/usr/bin/touch",
                arguments: [marker],
                timeout: .seconds(30),
                requiresApproval: true
            ),
        ]
        let executor = ProbeExecutor()
        let first = try await executor.run(Self.plan(probes), logger: Self.logger)
        #expect(first.map(\.outcome) == [.succeeded(.exitCode(0)), .awaitingApproval])
        #expect(first[0].output == "checked\n")
        #expect(!FileManager.default.fileExists(atPath: marker))

        let approved = try await executor.run(Self.plan(probes), approvedProbeNames: ["restart"], logger: Self.logger)
        #expect(approved.map(\.outcome) == [.succeeded(.exitCode(0)), .succeeded(.exitCode(0))])
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test("mixed command and HTTP probes keep plan order")
    func mixedOrder() async throws {
        let probes: [ProbeSpec] = [
            .http(name: "h1", urlTemplate: "https://probe.example/{{host}}?n={{name}}", timeout: .seconds(50)),
            .command(
                name: "c1",
                executable: "/bin/sh",
                arguments: ["-c", "echo \"${VIGIL_ALERT_HOST-unset}\""],
                timeout: .seconds(50)
            ),
            .http(name: "h2", urlTemplate: "https://probe.example/x", timeout: .seconds(50), expectStatus: nil),
            .command(name: "c2", executable: "/bin/sh", arguments: ["-c", "exit 4"], timeout: .seconds(50)),
        ]
        let alert = F.alert(name: "a b&c", host: "web 1")
        let client = GatedHTTPClient(gateSize: 1, responses: ["https://probe.example/x": (500, "err")])
        let results = try await ProbeExecutor(httpClient: client).run(
            Self.plan(probes, alert: alert),
            logger: Self.logger
        )
        #expect(results.map(\.name) == ["h1", "c1", "h2", "c2"])
        #expect(
            results.map(\.outcome) == [
                .succeeded(.httpStatus(200)), .succeeded(.exitCode(0)), .succeeded(.httpStatus(500)),
                .failed(.exitCode(4)),
            ]
        )
        // "web 1" is no host name: the URL gets it percent-encoded, the command's environment leaves it out.
        #expect(results[1].output == "unset\n")
        #expect(results[1].notes.first?.hasPrefix("VIGIL_ALERT_HOST left out") == true)
        #expect(await client.urls.contains("https://probe.example/web%201?n=a%20b%26c"))
    }

    @Test("HTTP probe edge cases: no client, unrenderable URL, failure without response, timeout, body cap")
    func httpEdgeCases() async throws {
        let alert = F.alert(host: nil)
        let noClient = try await ProbeExecutor().run(
            .http(name: "h", urlTemplate: "https://x/", timeout: .seconds(1)),
            alert: alert,
            logger: Self.logger
        )
        #expect(noClient.outcome == .couldNotStart(reason: "no HTTP client is configured"))

        let client = GatedHTTPClient(
            gateSize: 1,
            responses: ["https://x/big": (200, String(repeating: "b", count: 100))]
        )
        let missing = try await ProbeExecutor(httpClient: client).run(
            .http(name: "h", urlTemplate: "https://x/{{host}}", timeout: .seconds(1)),
            alert: alert,
            logger: Self.logger
        )
        #expect(missing.outcome == .couldNotStart(reason: "the alert has no value for {{host}}"))

        let capped = try await ProbeExecutor(httpClient: client).run(
            .http(name: "h", urlTemplate: "https://x/big", timeout: .seconds(50), outputLimitBytes: 10),
            alert: alert,
            logger: Self.logger
        )
        #expect(capped.output == String(repeating: "b", count: 10))
        #expect(capped.truncatedBytes == 90)

        let refused = try await ProbeExecutor(httpClient: RefusingHTTPClient()).run(
            .http(name: "h", urlTemplate: "https://x/", timeout: .seconds(50)),
            alert: alert,
            logger: Self.logger
        )
        #expect(refused.outcome == .failed(.requestFailed("connection refused")))

        let hanging = try await ProbeExecutor(httpClient: HangingHTTPClient()).run(
            .http(name: "h", urlTemplate: "https://x/", timeout: .milliseconds(100)),
            alert: alert,
            logger: Self.logger
        )
        #expect(hanging.outcome == .timedOut)
    }

    @Test("cancelling the executor cancels running probes and throws CancellationError")
    func cancellation() async throws {
        let probes: [ProbeSpec] = [
            .http(name: "hang", urlTemplate: "https://x/", timeout: .seconds(50)),
            .command(name: "sleep", executable: "/bin/sleep", arguments: ["30"], timeout: .seconds(50)),
        ]
        let executor = ProbeExecutor(httpClient: HangingHTTPClient())
        let task = Task { try await executor.run(Self.plan(probes), logger: Self.logger) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
