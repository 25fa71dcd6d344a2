import Foundation
import Synchronization

extension SlackSimulator {
    // MARK: Conversations

    /// The workspace's conversations, in configuration order (then in order added).
    public func channels() -> [SimulatedChannel] {
        self.core.read { state in state.workspace.order.compactMap { state.workspace.conversation($0)?.info } }
    }

    /// The id of the direct-message conversation with `user`, if one is open (configured, or opened by
    /// `conversations.open` or a post to the user id).
    public func directMessageChannel(with user: String) -> String? {
        self.core.read { state in state.workspace.directMessage(with: user) }
    }

    /// Adds (or replaces, emptying it) a conversation.
    public func addChannel(_ channel: SimulatedChannel) {
        self.core.mutate { state, _ in state.workspace.addChannel(channel) }
    }

    /// Makes the bot a member of a conversation, or removes it.
    /// - Throws: ``SlackSimulatorError`` with code `unknownChannel`.
    public func setBotMembership(channel: String, isMember: Bool) throws {
        let found = self.core.mutate { state, _ in state.workspace.setMembership(channel: channel, isMember: isMember) }
        guard found else { throw SlackSimulatorError.unknownChannel(channel) }
    }

    // MARK: Reading messages

    /// Every non-ephemeral message of a conversation, top-level and thread replies, oldest first. Use it to read
    /// what the client posted (replies have ``SimulatedMessage/threadTS``).
    /// - Throws: ``SlackSimulatorError`` with code `unknownChannel`.
    public func messages(in channel: String) throws -> [SimulatedMessage] {
        let result: [SimulatedMessage]? = self.core.read { state in
            state.workspace.conversation(channel).map { conversation in
                conversation.messages.map { $0.snapshot(channel: channel) }
            }
        }
        guard let result else { throw SlackSimulatorError.unknownChannel(channel) }
        return result
    }

    /// The replies in one thread, oldest first (without the parent).
    public func threadReplies(channel: String, threadTS: String) throws -> [SimulatedMessage] {
        try self.messages(in: channel).filter { $0.threadTS == threadTS }
    }

    /// One message, if it exists.
    public func message(channel: String, ts: String) -> SimulatedMessage? {
        self.core.read { state in state.workspace.message(channel: channel, ts: ts)?.snapshot(channel: channel) }
    }

    /// Ephemeral messages (`chat.postEphemeral`, ephemeral response-URL answers) of a conversation, oldest first.
    public func ephemeralMessages(in channel: String) throws -> [SimulatedMessage] {
        let result: [SimulatedMessage]? = self.core.read { state in
            state.workspace.conversation(channel).map { conversation in
                conversation.ephemeral.map { $0.snapshot(channel: channel) }
            }
        }
        guard let result else { throw SlackSimulatorError.unknownChannel(channel) }
        return result
    }

    /// Reaction names (without colons) on a message, in the order added; empty if none or no such message.
    public func reactions(channel: String, ts: String) -> [String] {
        self.core.read { state in state.workspace.message(channel: channel, ts: ts)?.reactions.map(\.name) ?? [] }
    }

    /// Waits until a conversation holds at least `count` messages (top-level and replies).
    @discardableResult
    public func waitForMessages(
        in channel: String,
        count: Int,
        timeout: Duration = .seconds(10)
    ) async throws -> [SimulatedMessage] {
        try await self.core.wait(
            for: "\(count) message(s) in \(channel)",
            timeout: timeout,
            evaluate: { state in
                guard let conversation = state.workspace.conversation(channel), conversation.messages.count >= count
                else {
                    return nil
                }
                return conversation.messages.map { $0.snapshot(channel: channel) }
            },
            describe: { state in
                "\(state.workspace.conversation(channel)?.messages.count ?? 0) message(s) in \(channel)"
            }
        )
    }

    // MARK: Injecting messages

    /// Stores a message as another bot or integration would post it, and sends it to the client as a `message`
    /// event (only if the bot is a member of the conversation, like Slack).
    ///
    /// `fieldsJSON` is the message object without `ts`/`channel`, for example the `event` of a sample minus those
    /// keys: `{"subtype":"bot_message","bot_id":"B0PROM","username":"Alertmanager","attachments":[…]}` or
    /// `{"bot_id":"B0CIRCLE","user":"U0CIRCLE","app_id":"A0CIRCLE","blocks":[…],"text":""}`. Include `thread_ts` to
    /// post a thread reply. `type` (`message`) and `team` are added when missing.
    /// - Returns: The new message's ts.
    /// - Throws: ``SlackSimulatorError`` (`unknownChannel`, `invalidJSON`).
    @discardableResult
    public func postAsBot(channel: String, fieldsJSON: String) throws -> String {
        let fields = try Self.parseObject(fieldsJSON, what: "postAsBot fieldsJSON")
        return try self.injectMessage(channel: channel, fields: fields)
    }

    /// Posts a plain alert-bot message: `{"subtype":"bot_message","bot_id":…,"username":…,"text":…}`, and sends the
    /// `message` event.
    /// - Returns: The new message's ts.
    @discardableResult
    public func postAsBot(
        channel: String,
        text: String,
        username: String = "Alertmanager",
        botID: String = "B0SIMALERT",
        threadTS: String? = nil
    ) throws -> String {
        var fields: SimJSONObject = [
            "subtype": .string("bot_message"),
            "text": .string(text),
            "username": .string(username),
            "bot_id": .string(botID),
        ]
        if let threadTS { fields["thread_ts"] = .string(threadTS) }
        return try self.injectMessage(channel: channel, fields: fields)
    }

    /// Posts a message from a person and sends the `message` event; when the text mentions the bot (`<@BOTUSER>`),
    /// also sends an `app_mention` event, as Slack does (two envelopes for one message).
    /// - Returns: The new message's ts.
    @discardableResult
    public func postAsUser(channel: String, user: String, text: String, threadTS: String? = nil) throws -> String {
        var fields: SimJSONObject = [
            "client_msg_id": .string(UUID().uuidString.lowercased()),
            "type": .string("message"),
            "text": .string(text),
            "user": .string(user),
        ]
        if let threadTS {
            fields["thread_ts"] = .string(threadTS)
            if let parent = self.message(channel: channel, ts: threadTS), let parentUser = parent.user ?? parent.botID {
                fields["parent_user_id"] = .string(parentUser)
            }
        }
        let mentionsBot = text.contains("<@\(self.configuration.botUserID)>")
        return try self.injectMessage(channel: channel, fields: fields, alsoAppMention: mentionsBot)
    }

    /// Edits a stored message (merging `fieldsJSON` into it and adding `edited`) and sends a `message_changed` event.
    /// - Returns: The event's envelope id, or `nil` if the bot is not a member (no event sent).
    /// - Throws: ``SlackSimulatorError`` (`unknownChannel`, `messageNotFound`, `invalidJSON`).
    @discardableResult
    public func editMessage(channel: String, ts: String, fieldsJSON: String) throws -> String? {
        let fields = try Self.parseObject(fieldsJSON, what: "editMessage fieldsJSON")
        return try self.core.mutate { (state, effects) throws(SlackSimulatorError) -> String? in
            guard state.workspace.conversation(channel) != nil else { throw .unknownChannel(channel) }
            guard let existing = state.workspace.message(channel: channel, ts: ts) else {
                throw .messageNotFound(channel: channel, ts: ts)
            }
            var updated = existing.object
            updated.merge(fields)
            updated["ts"] = .string(ts)
            let (editTS, _) = state.workspace.nextTimestamp()
            let editor = existing.object.string("user") ?? existing.object.string("bot_id") ?? "U0SIMUNKNOWN"
            updated["edited"] = .object(["user": .string(editor), "ts": .string(editTS)])
            _ = state.workspace.updateMessage(channel: channel, ts: ts) { $0.object = updated }
            return self.core.sendChangedEvent(
                &state,
                &effects,
                channel: channel,
                previous: existing.object,
                current: updated
            )
        }
    }

    /// Deletes a stored message and sends a `message_deleted` event.
    /// - Returns: The event's envelope id, or `nil` if the bot is not a member (no event sent).
    /// - Throws: ``SlackSimulatorError`` (`unknownChannel`, `messageNotFound`).
    @discardableResult
    public func deleteMessage(channel: String, ts: String) throws -> String? {
        try self.core.mutate { (state, effects) throws(SlackSimulatorError) -> String? in
            guard let conversation = state.workspace.conversation(channel) else { throw .unknownChannel(channel) }
            guard let removed = state.workspace.removeMessage(channel: channel, ts: ts) else {
                throw .messageNotFound(channel: channel, ts: ts)
            }
            guard conversation.info.botIsMember else { return nil }
            let (eventTS, _) = state.workspace.nextTimestamp()
            var event: SimJSONObject = [
                "type": .string("message"),
                "subtype": .string("message_deleted"),
                "hidden": .bool(true),
                "deleted_ts": .string(ts),
                "channel": .string(channel),
                "previous_message": .object(removed.object),
                "ts": .string(eventTS),
                "event_ts": .string(eventTS),
            ]
            event["channel_type"] = .string(conversation.info.channelType)
            return self.core.dispatchFreshEvent(&state, &effects, eventJSON: event.text)
        }
    }

    // MARK: Internals

    /// Parses a JSON object argument.
    static func parseObject(_ json: String, what: String) throws(SlackSimulatorError) -> SimJSONObject {
        let value: SimJSON
        do {
            value = try SimJSON.parse(json)
        } catch {
            throw .invalidJSON("\(what) is not valid JSON: \(error)", underlying: error)
        }
        guard let object = value.objectValue else { throw .invalidJSON("\(what) is not a JSON object") }
        return object
    }

    private func injectMessage(channel: String, fields: SimJSONObject, alsoAppMention: Bool = false) throws -> String {
        let teamID = self.configuration.teamID
        return try self.core.mutate { (state, effects) throws(SlackSimulatorError) -> String in
            guard let conversation = state.workspace.conversation(channel) else { throw .unknownChannel(channel) }
            let (ts, key) = state.workspace.nextTimestamp()
            var message: SimJSONObject = ["type": .string("message")]
            message.merge(fields)
            message["ts"] = .string(ts)
            if message["team"] == nil, let user = message["user"]?.stringValue {
                let team = self.configuration.users.first { $0.id == user }?.teamID ?? teamID
                message["team"] = .string(team)
                message["user_team"] = .string(team)
            }
            state.workspace.store(channel: channel, ts: ts, key: key, object: message)
            self.core.sendMessageEvent(&state, &effects, channel: channel, message: message)
            if alsoAppMention, conversation.info.botIsMember {
                var mention: SimJSONObject = [
                    "type": .string("app_mention"),
                    "user": message["user"] ?? .null,
                    "user_team": message["user_team"] ?? .string(teamID),
                    "text": message["text"] ?? .string(""),
                    "ts": .string(ts),
                    "channel": .string(channel),
                    "event_ts": .string(ts),
                ]
                if let threadTS = message["thread_ts"] { mention["thread_ts"] = threadTS }
                self.core.dispatchFreshEvent(&state, &effects, eventJSON: mention.text)
            }
            return ts
        }
    }
}
