import Logging
import Synchronization

/// Keeps the worker's log records that tests wait for ("event handled", dedupe drops, flapping decisions) and every
/// warning or worse (shown when a test fails), and lets a test await a record without polling.
final class LogRecorder: Sendable {
    /// One log record, reduced to what tests match on.
    struct Record: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        var description: String {
            "[\(level)] \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private struct Waiter {
        var id: Int
        var predicate: @Sendable (Record) -> Bool
        var continuation: CheckedContinuation<Record?, Never>
    }

    private struct State {
        var records: [Record] = []
        var waiters: [Waiter] = []
        var nextID = 0
    }

    /// Messages (prefixes) the recorder keeps at every level.
    static let interesting = [
        "event handled", "redelivered event already dispatched", "event already handled before a restart",
        "flapping alert already flagged", "storm mode",
    ]

    private let state = Mutex(State())

    /// A logger at debug level that feeds this recorder and prints nothing.
    var logger: Logger {
        var logger = Logger(label: "vigil.test") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    /// Every kept record so far.
    var records: [Record] { state.withLock { $0.records } }

    /// Warnings and worse so far, one per line (for failure messages).
    var problems: String {
        records.filter { $0.level >= .warning }.map(\.description).joined(separator: "\n")
    }

    /// Kept records whose message starts with `prefix` and whose metadata holds every pair of `metadata`.
    func records(_ prefix: String, _ metadata: [String: String] = [:]) -> [Record] {
        records.filter { Self.matches($0, prefix, metadata) }
    }

    /// Waits for the first record (already kept or still to come) whose message starts with `prefix` and whose
    /// metadata holds every pair of `metadata`.
    /// - Returns: the record, or `nil` after `timeout`.
    func first(_ prefix: String, _ metadata: [String: String] = [:], timeout: Duration = .seconds(10)) async -> Record? {
        await first(where: { Self.matches($0, prefix, metadata) }, timeout: timeout)
    }

    /// Waits for the first record (already kept or still to come) that satisfies `predicate`.
    /// - Returns: the record, or `nil` after `timeout`.
    func first(where predicate: @escaping @Sendable (Record) -> Bool, timeout: Duration = .seconds(10)) async -> Record? {
        await withTaskGroup(of: Record?.self) { group in
            group.addTask { await self.next(where: predicate) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private static func matches(_ record: Record, _ prefix: String, _ metadata: [String: String]) -> Bool {
        record.message.hasPrefix(prefix) && metadata.allSatisfy { record.metadata[$0.key] == $0.value }
    }

    private func next(where predicate: @escaping @Sendable (Record) -> Bool) async -> Record? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Record?, Never>) in
                let immediate: Record?? = state.withLock { state in
                    if Task.isCancelled { return .some(nil) }
                    if let seen = state.records.first(where: predicate) { return .some(seen) }
                    state.waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Record?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    fileprivate func record(_ record: Record) {
        guard record.level >= .warning || Self.interesting.contains(where: { record.message.hasPrefix($0) }) else { return }
        let resumed = state.withLock { state -> [CheckedContinuation<Record?, Never>] in
            state.records.append(record)
            var matched: [CheckedContinuation<Record?, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.predicate(record) else { return false }
                matched.append(waiter.continuation)
                return true
            }
            return matched
        }
        for continuation in resumed { continuation.resume(returning: record) }
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
            var merged = metadata
            if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
            recorder.record(Record(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
