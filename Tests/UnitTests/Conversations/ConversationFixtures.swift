import Foundation
import Logging

@testable import AlertReading

/// Shared ids, times and builders of the conversation tests.
enum ConversationFixtures {
    static let logger = Logger(label: "vigil.tests.conversations", factory: { _ in SwiftLogNoOpLogHandler() })
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    static let workspace = "T0TEST"
    static let alertChannel = "C0ALERTS"
    static let otherChannel = "C0OTHER"
    static let vigilUser = "U0VIGIL"
    static let vigilBot = "B0VIGIL"
    static let alice = "U0ALICE"
    static let bob = "U0BOB"
    static let carol = "U0CAROL"
    static let aliceDM = "D0ALICE"
    static let bobDM = "D0BOB"
    static let responseURL = "https://hooks.slack.com/commands/T0TEST/1/xxx"

    static func alert(
        name: String = "HighCPU",
        identity: String? = nil,
        severity: AlertSeverity = .critical,
        host: String? = "web-1",
        summary: String = "CPU above 90% for 5 minutes"
    ) -> Alert {
        Alert(
            source: .alertmanager,
            status: .firing,
            severity: severity,
            name: name,
            summary: summary,
            labels: host.map { ["instance": "\($0):9100"] } ?? [:],
            host: host,
            links: [AlertLink(label: "Alertmanager", url: "https://alertmanager.test/#/alerts")],
            identity: identity ?? "alertmanager:\(name.lowercased())|\(host ?? "")"
        )
    }

    /// A temporary directory path (not created), removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-conversation-tests-\(UUID().uuidString)", isDirectory: true).path
        defer { try? FileManager.default.removeItem(atPath: base) }
        return try await body(base + "/data")
    }

    /// A test precondition that did not hold.
    struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }
}
