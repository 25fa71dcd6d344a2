import Foundation
import Logging
import AlertReading
import VigilStorage

/// Shared fixtures for the store tests: a quiet logger, a fixed clock origin, alert builders and temp directories.
enum StoreFixtures {
    static let logger = Logger(label: "vigil.tests.store", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A fixed origin for test time; tests add offsets to it instead of reading the clock.
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static let workspace = "T0TEST"
    static let otherWorkspace = "T1OTHER"
    static let channel = "C0ALERTS"

    static func at(minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static func inMemory() async throws -> SQLiteVigilStore {
        try await SQLiteVigilStore.inMemory(logger: logger)
    }

    static func alert(
        _ status: AlertStatus,
        identity: String = "alertmanager:HighCPU|web-1",
        name: String = "HighCPU",
        severity: AlertSeverity = .critical,
        host: String? = nil,
        service: String? = nil,
        labels: [String: String] = [:]
    ) -> Alert {
        Alert(
            source: .alertmanager,
            status: status,
            severity: severity,
            name: name,
            summary: "CPU above 90%",
            labels: labels,
            host: host,
            service: service,
            links: [AlertLink(label: "Alertmanager", url: "http://alertmanager.test/#/alerts")],
            identity: identity
        )
    }

    /// Runs `body` with a fresh directory path under the system temp dir (not yet created), then removes it.
    static func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-store-tests-\(UUID().uuidString)", isDirectory: true).path
        defer { try? FileManager.default.removeItem(atPath: base) }
        return try await body(base + "/data")
    }
}

/// A precondition of a store test that did not hold.
struct StoreTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension VigilStore {
    /// Records an alert post: ``VigilStore/recordAlert(_:workspace:channel:ts:threadTS:at:)`` in the fixtures'
    /// workspace and channel, as a top-level post, unless told otherwise.
    @discardableResult
    func record(
        _ alert: Alert,
        workspace: String = StoreFixtures.workspace,
        channel: String = StoreFixtures.channel,
        ts: String,
        threadTS: String? = nil,
        at: Date
    ) async throws -> AlertRecordOutcome {
        try await recordAlert(alert, workspace: workspace, channel: channel, ts: ts, threadTS: threadTS, at: at)
    }

    /// Records a firing alert post that must open an incident, and returns that incident.
    /// - Throws: ``StoreTestFailure`` when the post did anything but open an incident.
    func open(
        _ alert: Alert,
        workspace: String = StoreFixtures.workspace,
        channel: String = StoreFixtures.channel,
        ts: String,
        at: Date
    ) async throws -> Incident {
        let outcome = try await record(alert, workspace: workspace, channel: channel, ts: ts, at: at)
        guard case .opened(let incident) = outcome else { throw StoreTestFailure("expected .opened, got \(outcome)") }
        return incident
    }

    /// Applies an edit of the root post (`ts` `nil`) or a bot reply in its thread (`ts` the reply's), in the
    /// fixtures' workspace and channel: ``VigilStore/applyStateChange(workspace:channel:rootTS:ts:alert:at:)``.
    func applyChange(_ alert: Alert, rootTS: String, ts: String? = nil, at: Date) async throws -> AlertRecordOutcome {
        try await applyStateChange(
            workspace: StoreFixtures.workspace, channel: StoreFixtures.channel, rootTS: rootTS, ts: ts, alert: alert,
            at: at)
    }
}
