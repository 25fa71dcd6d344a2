import Foundation
import Logging
import Synchronization
import Testing

@testable import VigilBase
@testable import VigilDaemon

/// A datagram socket bound where systemd's notify socket would be, to read what Vigil sends.
private final class NotifySocket {
    let path: String
    let descriptor: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString).sock").path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(result == 0)
    }

    /// The next datagram, or `nil` after 5 s. Reads without blocking (the test's cooperative thread must stay free
    /// for the service under test on a 2-core machine), re-checking every 10 ms.
    func receive() async -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return String(decoding: buffer[0..<count], as: UTF8.self) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

struct SystemdNotifierTests {
    @Test func sendsTheStateToTheNotifySocket() async throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
        #expect(notifier.notify("READY=1\nSTATUS=ok"))
        #expect(await socket.receive() == "READY=1\nSTATUS=ok")
    }

    @Test func isANoOpWithoutASocket() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(notifier.notify("READY=1"))
    }

    /// The notify service on a fresh socket with a 200 ms watchdog, running in a task the test cancels.
    private func startNotifyService() throws -> (NotifySocket, HealthBoard, Task<Void, any Error>) {
        let socket = try NotifySocket()
        let health = HealthBoard()
        let service = SystemdNotifyService(
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000"],
            health: health,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        return (socket, health, Task { try await service.run() })
    }

    @Test(.timeLimit(.minutes(1)))
    func serviceSendsReadyAfterTheFirstHelloThenWatchdogThenStopping() async throws {
        let (socket, health, task) = try startNotifyService()
        health.update("T1") { $0.liveConnections = 2; $0.openIncidents = 1; $0.tokenHealthy = true }
        let ready = try #require(await socket.receive())
        #expect(ready.hasPrefix("READY=1"))
        #expect(ready.contains("STATUS=2 connections live · 1 open incident"))
        let watchdog = try #require(await socket.receive())
        #expect(watchdog.contains("WATCHDOG=1"))
        // Slack gone: the status says why, and the watchdog keeps being fed (the process works).
        health.update("T1") { $0.liveConnections = 0; $0.waitingForSlack = "HTTP 503" }
        var sawWaitingStatus = false
        for _ in 0..<5 {
            let message = try #require(await socket.receive())
            if message.contains("waiting for Slack: HTTP 503 · 0 connections live") {
                #expect(message.contains("WATCHDOG=1"))
                sawWaitingStatus = true
                break
            }
        }
        #expect(sawWaitingStatus)
        task.cancel()
        _ = try? await task.value
        var last = ""
        while let message = await socket.receive() {
            last = message
            if message.hasPrefix("STOPPING=1") { break }
        }
        #expect(last.hasPrefix("STOPPING=1"))
    }

    @Test(.timeLimit(.minutes(1)))
    func serviceIsReadyWhileSlackIsUnreachableAtStart() async throws {
        let (socket, health, task) = try startNotifyService()
        health.update("T1") { $0.waitingForSlack = "Slack unreachable (connection refused)" }
        health.setStoreProblem("disk full")
        let ready = try #require(await socket.receive())
        #expect(ready.hasPrefix("READY=1"))
        #expect(ready.contains("STATUS=waiting for Slack: Slack unreachable (connection refused) · 0 connections live"))
        #expect(ready.contains("store failing: disk full"))
        let watchdog = try #require(await socket.receive())
        #expect(watchdog.contains("WATCHDOG=1"))
        task.cancel()
        _ = try? await task.value
    }
}

struct HealthBoardTests {
    @Test func statusLineAndFailureAccounting() {
        let board = HealthBoard()
        board.update("acme") { $0.liveConnections = 2; $0.tokenHealthy = true; $0.openIncidents = 3 }
        board.update("beta") { $0.tokenHealthy = false }
        #expect(board.statusLine == "2 connections live · 3 open incidents · not working: beta")
        #expect(board.isHealthy)
        #expect(!board.allWorkspacesFailed)
        board.update("acme") { $0.failure = "link_disabled" }
        #expect(board.allWorkspacesFailed)
    }

    @Test func anOutageIsKeptOnceSlackAnswersAgain() {
        let board = HealthBoard()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        board.setWaitingForSlack("acme", "auth.test: HTTP 503", now: start)
        board.setWaitingForSlack("acme", "auth.test: connection refused", now: start.addingTimeInterval(30))
        #expect(board.statusLine.hasPrefix("waiting for Slack: auth.test: connection refused · 0 connections live"))
        #expect(board.snapshot["acme"]?.lastSlackOutage == nil)
        board.setWaitingForSlack("acme", nil, now: start.addingTimeInterval(72))
        let outage = try? #require(board.snapshot["acme"]?.lastSlackOutage)
        #expect(outage?.summary == "Slack was unavailable for 72 s (until 22:14:32 UTC): auth.test: connection refused")
        #expect(!board.statusLine.contains("waiting"))
        board.setStoreProblem("disk full", now: start)
        #expect(board.statusLine.hasSuffix(" · store failing: disk full"))
        board.setStoreProblem(nil, now: start.addingTimeInterval(5))
        #expect(board.lastStoreOutage == "the store was unavailable for 5 s (until 22:13:25 UTC): disk full")
    }

    @Test func vigilStatusListsTheWaitTheLastOutageAndTheStore() {
        let board = HealthBoard()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        board.setWaitingForSlack("acme", "auth.test: HTTP 503", now: start)
        board.setWaitingForSlack("acme", nil, now: start.addingTimeInterval(61))
        board.setWaitingForSlack("acme", "apps.connections.open: HTTP 502", now: start.addingTimeInterval(100))
        let health = try? #require(board.snapshot["acme"])
        let problems = health.map {
            WorkspaceService.statusProblems($0, storeProblem: "disk full", lastStoreOutage: nil)
        }
        #expect(problems == [
            "waiting for Slack: apps.connections.open: HTTP 502",
            "Slack was unavailable for 61 s (until 22:14:21 UTC): auth.test: HTTP 503",
            "store failing: disk full",
        ])
    }

    @Test(.timeLimit(.minutes(1)))
    func waitingForTheFirstLiveConnectionEndsOnCancel() async {
        let board = HealthBoard()
        let waiter = Task {
            await board.waitUntilStarted()
            return Task.isCancelled
        }
        waiter.cancel()
        #expect(await waiter.value, "the wait ended because it was cancelled")
        #expect(board.snapshot.isEmpty && !board.isHealthy, "nothing went live meanwhile")
        // The cancelled waiter is gone: going live later resumes nobody twice, and a new wait ends at once.
        board.update("T1") { $0.liveConnections = 1 }
        await board.waitUntilStarted()
        #expect(board.isHealthy)
    }
}

struct JournaldLogHandlerTests {
    @Test func writesPriorityPrefixAndSortedMetadata() {
        let lines = Mutex<[String]>([])
        var handler = JournaldLogHandler(label: "vigil", level: .debug) { line in lines.withLock { $0.append(line) } }
        handler[metadataKey: "slack.workspace"] = "T1"
        var logger = Logger(label: "vigil", factory: { _ in handler })
        logger.logLevel = .debug
        logger.warning("reconnecting", metadata: ["slack.reason": "refresh requested", "vigil.attempt": "2"])
        logger.error("two\nlines")
        logger.trace("dropped")
        let written = lines.withLock { $0 }
        #expect(written == [
            #"<4>vigil: reconnecting slack.reason="refresh requested" slack.workspace=T1 vigil.attempt=2"#,
            #"<3>vigil: two\nlines slack.workspace=T1"#,
        ])
    }
}
