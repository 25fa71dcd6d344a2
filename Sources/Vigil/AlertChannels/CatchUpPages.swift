import VigilBase

/// The pages of one catch-up read of `conversations.history`, as a value with no I/O: which page to ask for next,
/// what was collected, and whether the catch-up limit cut the read short.
///
/// Slack answers `conversations.history` with `oldest` newest first, in pages that may hold fewer messages than
/// `limit` even when more follow (`response_metadata.next_cursor`). So the read follows the cursor until Slack has
/// no more or `limit` messages are collected; when the limit ends it, the *newest* `limit` messages were read and
/// the older rest is skipped (``wasCutShort``). ``messagesOldestFirst`` hands them out in the order to handle them.
///
/// ```swift
/// var pages = CatchUpPages(limit: 200)
/// while case .fetch(let cursor, let limit) = pages.next {
///     let page = try await slack.historyPage(channel: c, oldest: o, limit: limit, cursor: cursor)
///     pages.add(page.messages, nextCursor: page.nextCursor)
/// }
/// ```
public struct CatchUpPages: Sendable {
    /// What to do next.
    public enum Next: Sendable, Equatable {
        /// Ask for a page: `cursor` (`nil` for the first page) and at most `limit` messages.
        case fetch(cursor: String?, limit: Int)
        /// Nothing more to read.
        case done
    }

    /// The largest page asked for (Slack recommends no more than 200).
    public static let maximumPageSize = 200

    /// The most messages read in total.
    public let limit: Int
    /// What to do next.
    public private(set) var next: Next
    /// Whether the limit ended the read while Slack still had older messages.
    public private(set) var wasCutShort = false
    /// How many pages were read.
    public private(set) var pagesRead = 0

    private var collected: [String: JSONValue] = [:]
    private var cursorsSeen: Set<String> = []

    /// Starts a read of at most `limit` messages (0 reads nothing).
    public init(limit: Int) {
        self.limit = max(0, limit)
        next = self.limit > 0 ? .fetch(cursor: nil, limit: min(self.limit, Self.maximumPageSize)) : .done
    }

    /// How many distinct messages were collected.
    public var count: Int { collected.count }

    /// Adds the page answering the last ``Next/fetch(cursor:limit:)``, in whatever order Slack sent it; works out
    /// the next step. A message seen on two pages counts once; messages beyond the limit are dropped (the oldest
    /// of the page, as Slack sends newest first); a cursor Slack repeats ends the read.
    public mutating func add(_ messages: [JSONValue], nextCursor: String?) {
        guard case .fetch = next else { return }
        pagesRead += 1
        let newestFirst = messages.sorted { Self.isBefore($1, $0) }
        var dropped = false
        for message in newestFirst {
            guard let ts = message["ts"]?.stringValue, !ts.isEmpty else { continue }
            if collected[ts] != nil { continue }
            guard collected.count < limit else {
                dropped = true
                continue
            }
            collected[ts] = message
        }
        let more = nextCursor.map { !$0.isEmpty } ?? false
        if collected.count >= limit {
            wasCutShort = dropped || more
            next = .done
        } else if let nextCursor, more, cursorsSeen.insert(nextCursor).inserted {
            next = .fetch(cursor: nextCursor, limit: min(limit - collected.count, Self.maximumPageSize))
        } else {
            next = .done
        }
    }

    /// The collected messages, oldest first (Slack `ts` order).
    public var messagesOldestFirst: [JSONValue] {
        collected.values.sorted(by: Self.isBefore)
    }

    /// The oldest collected `ts`, if any.
    public var oldestTS: String? { messagesOldestFirst.first?["ts"]?.stringValue }

    /// Orders messages by `ts`, numerically.
    private static func isBefore(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        SlackTimestamp.isBefore(lhs["ts"]?.stringValue ?? "0", rhs["ts"]?.stringValue ?? "0")
    }
}
