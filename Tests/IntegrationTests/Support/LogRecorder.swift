import Logging
import VigilBase

/// What the worker logged during a test: the records the tests wait on, plus every warning and error.
final class LogRecorder: Sendable {
    typealias Record = LogTap.Record

    static let interesting = [
        "event handled", "redelivered event already dispatched", "event already handled before a restart",
        "flapping alert already flagged", "storm mode", "resuming an investigation", "owed investigations looked at",
        "Slack's answer to a post was lost",
    ]

    private let tap = LogTap(interesting: LogRecorder.interesting, keepLevel: .warning)

    var logger: Logger { tap.logger(label: "vigil.test", tapLevel: .debug) }

    var records: [Record] { tap.records }

    var problems: String {
        records.filter { $0.level >= .warning }.map(\.description).joined(separator: "\n")
    }

    func records(_ prefix: String, _ metadata: [String: String] = [:]) -> [Record] {
        records.filter { Self.matches($0, prefix, metadata) }
    }

    func first(_ prefix: String, _ metadata: [String: String] = [:], timeout: Duration = .seconds(10)) async -> Record? {
        await tap.first(where: { Self.matches($0, prefix, metadata) }, timeout: timeout)
    }

    func first(where predicate: @escaping @Sendable (Record) -> Bool, timeout: Duration = .seconds(10)) async -> Record? {
        await tap.first(where: predicate, timeout: timeout)
    }

    private static func matches(_ record: Record, _ prefix: String, _ metadata: [String: String]) -> Bool {
        record.message.hasPrefix(prefix) && metadata.allSatisfy { record.metadata[$0.key] == $0.value }
    }
}
