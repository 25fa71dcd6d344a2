/// Budgets for one workspace's outbound calls, keyed by method tier and, for `chat.postMessage`, by channel.
///
/// The limiter decides; it never sleeps. ``SlackWebAPI`` asks ``acquire(_:priority:ticket:now:)`` whether a call may
/// go now; if not, it sleeps for the returned time and asks again. Budgets are taken **before** the call's first
/// suspension point (the actor is re-entrant), and among calls waiting for the same bucket the highest priority goes
/// first, then the oldest.
public struct RateLimiter<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// A bucket's budget (the same type for every clock).
    public typealias Budget = RateLimitBudget
    /// Budgets by tier (the same type for every clock).
    public typealias Budgets = RateLimitBudgets
    /// A bucket's key (the same type for every clock).
    public typealias Key = RateLimitKey

    /// A caller's place in line.
    public struct Ticket: Sendable, Hashable, Comparable {
        public let priority: CallPriority
        public let sequence: UInt64

        /// Higher priority first, then older first.
        public static func < (lhs: Ticket, rhs: Ticket) -> Bool {
            if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
            return lhs.sequence < rhs.sequence
        }
    }

    private var budgets: Budgets
    private var buckets: [Key: TokenBucket<Instant>] = [:]
    private var waiting: [Key: Set<Ticket>] = [:]
    private var nextSequence: UInt64 = 0

    public init(budgets: Budgets = Budgets()) {
        self.budgets = budgets
    }

    /// The keys a call to `method` (in `channel`) draws from.
    public func keys(for method: SlackMethod, channel: String?) -> [Key] {
        var keys: [Key] = [.tier(method.tier), .method(method.name)]
        if method.tier == .postMessage, let channel { keys.append(.channel(channel)) }
        return keys
    }

    /// A new place in line.
    public mutating func ticket(priority: CallPriority) -> Ticket {
        defer { nextSequence += 1 }
        return Ticket(priority: priority, sequence: nextSequence)
    }

    /// Calls waiting for a budget now.
    public var waitingCount: Int { Set(waiting.values.flatMap { $0 }).count }

    private mutating func bucket(_ key: Key, now: Instant) -> TokenBucket<Instant> {
        if let bucket = buckets[key] { return bucket }
        let budget = budgets.budget(for: key)
        // `.method` buckets exist only to carry Retry-After; they never run dry on their own.
        let bucket = key.isMethod
            ? TokenBucket(capacity: 1_000_000, refillInterval: .nanoseconds(1), now: now)
            : TokenBucket(capacity: budget.burst, refillInterval: budget.interval, now: now)
        buckets[key] = bucket
        return bucket
    }

    /// Takes a token from every bucket in `keys` if the ticket is first in line for each and all have one; else
    /// returns how long to wait before asking again (and keeps the ticket in line).
    public mutating func acquire(_ keys: [Key], ticket: Ticket, now: Instant) -> Duration {
        guard budgets.enabled else { return .zero }
        var wait = Duration.zero
        var behind = false
        for key in keys {
            var line = waiting[key] ?? []
            line.insert(ticket)
            waiting[key] = line
            var bucket = bucket(key, now: now)
            var keyWait = bucket.waitTime(at: now)
            // Calls ahead in line only hold this one back when the bucket cannot serve them all: a post queued for
            // a busy channel must not delay a post to another channel while the shared budget has room.
            let ahead = line.filter { $0 < ticket }.count
            let available = bucket.availableTokens(at: now)
            if available <= ahead {
                behind = true
                // Come back about when the calls ahead will have drawn this bucket's tokens: its own pace, not the
                // slowest bucket's (a line for the workspace budget moves 5× faster than one channel's).
                keyWait = max(keyWait, .milliseconds(1)) + budgets.budget(for: key).interval * (ahead - available)
            }
            wait = max(wait, keyWait)
            buckets[key] = bucket
        }
        if wait == .zero && !behind {
            for key in keys {
                var bucket = bucket(key, now: now)
                _ = bucket.tryTake(at: now)
                buckets[key] = bucket
                waiting[key]?.remove(ticket)
            }
            return .zero
        }
        return max(wait, .milliseconds(1))
    }

    /// Leaves the line without a token (the caller gave up or was cancelled).
    public mutating func withdraw(_ ticket: Ticket) {
        for key in waiting.keys { waiting[key]?.remove(ticket) }
    }

    /// Slack said `Retry-After`: nothing drawn from these buckets goes before `now + duration`.
    public mutating func block(_ keys: [Key], for duration: Duration, now: Instant) {
        for key in keys {
            var bucket = bucket(key, now: now)
            bucket.block(for: duration, at: now)
            buckets[key] = bucket
        }
    }
}

/// A bucket's budget: burst size and sustained rate.
public struct RateLimitBudget: Sendable, Hashable {
    public var burst: Int
    public var interval: Duration

    public init(burst: Int, perMinute: Double) {
        self.burst = burst
        self.interval = .seconds(60 / perMinute)
    }

    public init(burst: Int, interval: Duration) {
        self.burst = burst
        self.interval = interval
    }
}

/// Budgets by tier; ``unlimited`` turns limiting off (benchmarks of the client itself).
public struct RateLimitBudgets: Sendable, Hashable {
    public var tier1 = RateLimitBudget(burst: 3, perMinute: 6)
    public var tier2 = RateLimitBudget(burst: 5, perMinute: 20)
    public var tier3 = RateLimitBudget(burst: 10, perMinute: 50)
    public var tier4 = RateLimitBudget(burst: 20, perMinute: 100)
    public var postMessagePerChannel = RateLimitBudget(burst: 1, interval: .seconds(1))
    public var postMessagePerWorkspace = RateLimitBudget(burst: 30, perMinute: 300)
    public var enabled = true

    public init() {}

    /// No limits at all.
    public static var unlimited: RateLimitBudgets {
        var budgets = RateLimitBudgets()
        budgets.enabled = false
        return budgets
    }

    func budget(for key: RateLimitKey) -> RateLimitBudget {
        switch key {
        case .tier(.tier1): tier1
        case .tier(.tier2): tier2
        case .tier(.tier3): tier3
        case .tier(.tier4): tier4
        case .tier(.postMessage): postMessagePerWorkspace
        case .channel: postMessagePerChannel
        case .method: tier4
        }
    }
}

/// A bucket's key.
public enum RateLimitKey: Sendable, Hashable {
    case tier(SlackMethod.Tier)
    case channel(String)
    /// A method Slack rate limited with `Retry-After` outside its tier bucket.
    case method(String)
}

extension RateLimitKey {
    var isMethod: Bool {
        if case .method = self { return true }
        return false
    }
}
