import Foundation

/// The simulated workspace's data: conversations, their messages (with threads and reactions), ephemeral messages
/// and users. Pure value logic, guarded by the simulator's lock; Web API methods translate to these operations.
struct SimulatedWorkspace {
    /// A stored message.
    struct StoredMessage {
        var ts: String
        var key: TimestampKey
        var threadTS: String?
        /// The message object without `reactions` (they are added when rendering).
        var object: SimJSONObject
        /// Reaction name → users, in insertion order.
        var reactions: [(name: String, users: [String])] = []
        var isEphemeral = false
        var visibleTo: String?

        /// The object as the Web API returns it (with `reactions`).
        func rendered(includeReactions: Bool = true) -> SimJSONObject {
            var object = self.object
            if includeReactions, !self.reactions.isEmpty {
                object["reactions"] = .array(
                    self.reactions.map { reaction in
                        .object([
                            "name": .string(reaction.name),
                            "users": .array(reaction.users.map { .string($0) }),
                            "count": .int(reaction.users.count),
                        ])
                    }
                )
            }
            return object
        }

        /// The public snapshot of this message.
        func snapshot(channel: String) -> SimulatedMessage {
            SimulatedMessage(
                channel: channel,
                ts: self.ts,
                threadTS: self.threadTS,
                text: self.object.string("text"),
                user: self.object.string("user"),
                botID: self.object.string("bot_id"),
                subtype: self.object.string("subtype"),
                isEphemeral: self.isEphemeral,
                visibleTo: self.visibleTo,
                reactions: self.reactions.map(\.name),
                jsonText: self.rendered().text
            )
        }
    }

    /// One conversation and its messages.
    struct Conversation {
        var info: SimulatedChannel
        /// All non-ephemeral messages, ts ascending (top-level and replies).
        var messages: [StoredMessage] = []
        /// ts → index in `messages`.
        var index: [String: Int] = [:]
        var ephemeral: [StoredMessage] = []
        let created: Int
    }

    /// A comparable form of a Slack timestamp `"<seconds>.<micros>"`.
    struct TimestampKey: Comparable, Hashable {
        var seconds: Int
        var micros: Int

        /// A key from its parts.
        init(seconds: Int, micros: Int) {
            self.seconds = seconds
            self.micros = micros
        }

        /// Parses `1700000000.000100`, `1700000000.1` or `1700000000`; `nil` for anything else.
        init?(_ text: String) {
            let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = parts.first, let seconds = Int(first) else { return nil }
            self.seconds = seconds
            if parts.count == 2 {
                var fraction = String(parts[1].prefix(6))
                guard fraction.allSatisfy(\.isNumber) else { return nil }
                while fraction.count < 6 { fraction += "0" }
                self.micros = Int(fraction) ?? 0
            } else {
                self.micros = 0
            }
        }

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.seconds, lhs.micros) < (rhs.seconds, rhs.micros)
        }

        var text: String {
            let micros = String(self.micros)
            return "\(self.seconds)." + String(repeating: "0", count: 6 - micros.count) + micros
        }
    }

    private(set) var conversations: [String: Conversation] = [:]
    private(set) var order: [String] = []
    private(set) var users: [String: SimulatedUser] = [:]
    private var lastTS = TimestampKey(seconds: 0, micros: 0)

    /// A workspace with the given conversations and users (plus the bot user).
    init(channels: [SimulatedChannel], users: [SimulatedUser], botUser: SimulatedUser) {
        let now = Int(Date().timeIntervalSince1970)
        for channel in channels {
            self.addChannel(channel, created: now - 86_400)
        }
        for user in users { self.users[user.id] = user }
        self.users[botUser.id] = botUser
    }

    /// Adds or replaces (emptying) a conversation.
    mutating func addChannel(_ channel: SimulatedChannel, created: Int = Int(Date().timeIntervalSince1970)) {
        if self.conversations[channel.id] == nil { self.order.append(channel.id) }
        self.conversations[channel.id] = Conversation(info: channel, created: created)
    }

    /// Sets the bot's membership; `false` if the conversation does not exist.
    mutating func setMembership(channel: String, isMember: Bool) -> Bool {
        guard self.conversations[channel] != nil else { return false }
        self.conversations[channel]!.info.botIsMember = isMember
        return true
    }

    /// Resolves a channel argument: an id, or a name with or without `#`.
    func resolve(_ argument: String) -> String? {
        if self.conversations[argument] != nil { return argument }
        let name = argument.hasPrefix("#") ? String(argument.dropFirst()) : argument
        return self.order.first { self.conversations[$0]?.info.name == name }
    }

    /// A conversation by id.
    func conversation(_ id: String) -> Conversation? { self.conversations[id] }

    /// The direct-message conversation with `user`, if one is open.
    func directMessage(with user: String) -> String? {
        self.order.first { self.conversations[$0]?.info.isIM == true && self.conversations[$0]?.info.user == user }
    }

    /// The direct-message conversation with `user`, opened if needed (`D` + the user id without its first letter).
    /// `nil` if there is no such person (bots cannot be messaged directly either).
    mutating func openDirectMessage(with user: String) -> String? {
        if let existing = self.directMessage(with: user) { return existing }
        guard let person = self.users[user], !person.isBot else { return nil }
        let id = "D" + user.dropFirst()
        self.addChannel(SimulatedChannel(id: id, name: person.name, user: user))
        return id
    }

    /// Whether `id` names a person of the workspace (a `U…`/`W…` id).
    func isUser(_ id: String) -> Bool { self.users[id] != nil }

    /// A new timestamp, unique and increasing, close to the wall clock.
    mutating func nextTimestamp() -> (text: String, key: TimestampKey) {
        let micros = Int((Date().timeIntervalSince1970 * 1_000_000).rounded())
        var key = TimestampKey(seconds: micros / 1_000_000, micros: micros % 1_000_000)
        if key <= self.lastTS {
            key = self.lastTS
            key.micros += 1
            if key.micros == 1_000_000 {
                key.seconds += 1
                key.micros = 0
            }
        }
        self.lastTS = key
        return (key.text, key)
    }

    /// Stores a message. The object must already contain `ts` (and `thread_ts` for replies).
    mutating func store(channel: String, ts: String, key: TimestampKey, object: SimJSONObject) {
        guard self.conversations[channel] != nil else { return }
        var threadTS = object.string("thread_ts")
        if threadTS == ts { threadTS = nil }
        let message = StoredMessage(ts: ts, key: key, threadTS: threadTS, object: object)
        self.conversations[channel]!.index[ts] = self.conversations[channel]!.messages.count
        self.conversations[channel]!.messages.append(message)
    }

    /// Stores an ephemeral message visible to `user`.
    mutating func storeEphemeral(channel: String, ts: String, key: TimestampKey, object: SimJSONObject, user: String?) {
        guard self.conversations[channel] != nil else { return }
        var message = StoredMessage(ts: ts, key: key, threadTS: object.string("thread_ts"), object: object)
        message.isEphemeral = true
        message.visibleTo = user
        self.conversations[channel]!.ephemeral.append(message)
    }

    /// A stored (non-ephemeral) message by ts.
    func message(channel: String, ts: String) -> StoredMessage? {
        guard let conversation = self.conversations[channel], let index = conversation.index[ts] else { return nil }
        return conversation.messages[index]
    }

    /// Mutates a stored message in place; `false` if it does not exist.
    mutating func updateMessage(channel: String, ts: String, _ update: (inout StoredMessage) -> Void) -> Bool {
        guard let index = self.conversations[channel]?.index[ts] else { return false }
        update(&self.conversations[channel]!.messages[index])
        return true
    }

    /// Removes a message (and keeps indexes consistent).
    mutating func removeMessage(channel: String, ts: String) -> StoredMessage? {
        guard var conversation = self.conversations[channel], let index = conversation.index[ts] else { return nil }
        let removed = conversation.messages.remove(at: index)
        conversation.index = [:]
        for (offset, message) in conversation.messages.enumerated() { conversation.index[message.ts] = offset }
        self.conversations[channel] = conversation
        return removed
    }

    /// Replies to `parentTS`, ts ascending.
    func replies(channel: String, parentTS: String) -> [StoredMessage] {
        guard let conversation = self.conversations[channel] else { return [] }
        return conversation.messages.filter { $0.threadTS == parentTS }
    }

    /// A top-level message as `conversations.history` shows it, with thread decorations.
    func historyObject(channel: String, message: StoredMessage) -> SimJSONObject {
        var object = message.rendered()
        let replies = self.replies(channel: channel, parentTS: message.ts)
        if !replies.isEmpty {
            var replyUsers: [String] = []
            for reply in replies {
                if let user = reply.object.string("user"), !replyUsers.contains(user) { replyUsers.append(user) }
            }
            object["thread_ts"] = .string(message.ts)
            object["reply_count"] = .int(replies.count)
            object["reply_users_count"] = .int(replyUsers.count)
            object["latest_reply"] = .string(replies.last!.ts)
            object["reply_users"] = .array(replyUsers.map { .string($0) })
        }
        return object
    }

    /// The conversation object of `conversations.info` / `conversations.join`.
    func channelObject(_ id: String) -> SimJSONObject? {
        guard let conversation = self.conversations[id] else { return nil }
        let info = conversation.info
        var object: SimJSONObject = [
            "id": .string(info.id),
            "name": .string(info.name),
            "is_channel": .bool(!info.isIM && !info.isPrivate),
            "is_group": .bool(info.isPrivate && !info.isIM),
            "is_im": .bool(info.isIM),
            "is_private": .bool(info.isPrivate),
            "is_archived": .bool(info.isArchived),
            "is_member": .bool(info.botIsMember),
            "created": .int(conversation.created),
            "name_normalized": .string(info.name),
        ]
        if let user = info.user { object["user"] = .string(user) }
        object["topic"] = .object(["value": .string(""), "creator": .string(""), "last_set": .int(0)])
        object["purpose"] = .object(["value": .string(""), "creator": .string(""), "last_set": .int(0)])
        return object
    }

    /// The user object of `users.info`.
    func userObject(_ id: String, teamID: String) -> SimJSONObject? {
        guard let user = self.users[id] else { return nil }
        return [
            "id": .string(user.id),
            "team_id": .string(teamID),
            "name": .string(user.name),
            "deleted": .bool(false),
            "real_name": .string(user.realName),
            "tz": .string(user.timeZone),
            "is_bot": .bool(user.isBot),
            "is_app_user": .bool(false),
            "profile": .object([
                "real_name": .string(user.realName),
                "display_name": .string(user.name),
                "team": .string(teamID),
            ]),
        ]
    }
}
