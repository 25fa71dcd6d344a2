import Logging
import ServiceLifecycle

/// Talks to systemd for a `Type=notify` unit: `READY=1` after the first Socket Mode `hello` (or as soon as a workspace
/// is waiting for Slack and retrying), `WATCHDOG=1` every half watchdog interval while the process works, `STATUS=`
/// with connections, open incidents, why Vigil waits for Slack and whether the store fails, and `STOPPING=1` on
/// shutdown.
///
/// The watchdog says "the process works", not "Slack is reachable": an outage of Slack or of the network is retried
/// for ever and shown in `STATUS=`, and a watchdog kill would only turn it into a restart loop. A process whose
/// cooperative threads are stuck stops sending it and is restarted.
///
/// Under a unit without `WatchdogSec=` (`$WATCHDOG_USEC` unset) it still keeps `STATUS=` current every 15 s.
public struct SystemdNotifyService: Service {
    private let notifier: SystemdNotifier
    private let health: HealthBoard
    private let interval: Duration
    private let watchdogEnabled: Bool
    private let logger: Logger

    /// - Parameters:
    ///   - environment: reads `NOTIFY_SOCKET` and `WATCHDOG_USEC`.
    ///   - health: the board the workspaces report to.
    ///   - logger: for send failures.
    public init(environment: [String: String], health: HealthBoard, logger: Logger) {
        self.notifier = SystemdNotifier(environment: environment)
        self.health = health
        self.logger = logger
        if let raw = environment["WATCHDOG_USEC"], let micros = Int64(raw), micros > 0 {
            interval = .microseconds(micros / 2)
            watchdogEnabled = true
        } else {
            interval = .seconds(15)
            watchdogEnabled = false
        }
    }

    public func run() async throws {
        guard notifier.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        defer { send("STOPPING=1\nSTATUS=stopping") }
        await cancelWhenGracefulShutdown { await health.waitUntilStarted() }
        if Task.isCancelled || Task.isShuttingDownGracefully { return }
        send("READY=1\nSTATUS=\(health.statusLine)")
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            var message = "STATUS=\(health.statusLine)"
            if watchdogEnabled { message += "\nWATCHDOG=1" }
            send(message)
        }
    }

    private func send(_ message: String) {
        if !notifier.notify(message) {
            logger.warning("could not send to systemd's notify socket", metadata: ["systemd.message": "\(message.prefix(40))"])
        }
    }
}
