import SlackWebClient
import VigilBase

/// The handlers post, read and react through ``SlackMessaging``; the Web API actor is its production implementation
/// (tests use a recording fake).
extension SlackWebAPI: SlackMessaging {
    public nonisolated func post(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?, priority: CallPriority) async throws -> String {
        try await postMessage(channel: channel, text: text, blocks: blocks, threadTS: threadTS, priority: priority)
    }

    public nonisolated func update(channel: String, ts: String, text: String, blocks: [JSONValue]?) async throws {
        try await updateMessage(channel: channel, ts: ts, text: text, blocks: blocks)
    }

    public nonisolated func postEphemeral(channel: String, user: String, text: String, blocks: [JSONValue]?, threadTS: String?) async throws {
        try await sendEphemeral(channel: channel, user: user, text: text, blocks: blocks, threadTS: threadTS)
    }

    public nonisolated func react(channel: String, ts: String, name: String) async throws {
        try await addReaction(channel: channel, ts: ts, name: name)
    }

    public nonisolated func post(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?,
                                 metadata: VigilMessageMetadata, priority: CallPriority) async throws -> String {
        try await postMessage(channel: channel, text: text, blocks: blocks, threadTS: threadTS, metadata: metadata.json,
                              priority: priority)
    }

    public nonisolated func historyPage(channel: String, oldest: String?, limit: Int, cursor: String?) async throws
        -> (messages: [JSONValue], nextCursor: String?)
    {
        try await conversationHistory(channel: channel, oldest: oldest, limit: limit, cursor: cursor, includeAllMetadata: true)
    }

    public nonisolated func thread(channel: String, ts: String) async throws -> [JSONValue] {
        try await conversationReplies(channel: channel, ts: ts, includeAllMetadata: true)
    }

    public nonisolated func join(channel: String) async throws {
        try await joinConversation(channel: channel)
    }

    public nonisolated func respond(responseURL: String, payload: JSONValue) async throws {
        try await respond(toResponseURL: responseURL, payload: payload)
    }

    public nonisolated func channelIsPrivate(channel: String) async throws -> Bool {
        let info = try await conversationInfo(channel: channel)
        return info["is_private"]?.boolValue ?? true
    }

    public nonisolated func channelMembers(channel: String) async throws -> Set<String> {
        try await conversationMembers(channel: channel)
    }
}
