import Logging
import Synchronization

/// The warnings and errors the worker logged during a test, reported when the test fails. Tests wait on the
/// worker's ``WorkerActivityLog``, never on its log lines.
final class LogRecorder: Sendable {
    /// One kept record.
    struct Record: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        var description: String {
            "[\(level)] \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private let kept = Mutex<[Record]>([])

    /// A logger at debug level (so the worker's debug logging runs) that keeps its warnings and errors here.
    var logger: Logger {
        var logger = Logger(label: "vigil.test") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    /// The warnings and errors logged so far, oldest first.
    var records: [Record] { kept.withLock { $0 } }

    /// The warnings and errors, one a line.
    var problems: String {
        records.map(\.description).joined(separator: "\n")
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.level >= .warning else { return }
            var merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
            if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
            let record = Record(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
            recorder.kept.withLock { $0.append(record) }
        }
    }
}
