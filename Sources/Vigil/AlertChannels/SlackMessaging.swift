import SlackWebClient
import VigilBase

/// The Web API calls the alert and conversation features make, as one narrow protocol.
///
/// ``SlackWebAPI`` conforms (rate limited, retrying, one per workspace). Keeping the features on this protocol
/// keeps them independent of the transport details; the tests drive them through the real client against the
/// simulator.
public protocol SlackMessaging: Sendable {
    /// Posts a message, optionally in a thread; returns its ts.
    func post(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?, priority: CallPriority) async throws -> String
    /// Replaces a message's text and blocks.
    func update(channel: String, ts: String, text: String, blocks: [JSONValue]?) async throws
    /// Shows a message only to `user`.
    func postEphemeral(channel: String, user: String, text: String, blocks: [JSONValue]?, threadTS: String?) async throws
    /// Adds an emoji reaction; an existing identical reaction is not an error.
    func react(channel: String, ts: String, name: String) async throws
    /// Posts a message tagged with Vigil's message metadata (so it can be recognised later: see
    /// ``VigilMessageMetadata``); returns its ts.
    func post(channel: String, text: String, blocks: [JSONValue]?, threadTS: String?, metadata: VigilMessageMetadata,
              priority: CallPriority) async throws -> String
    /// One page of `conversations.history`: top-level messages posted after `oldest` (exclusive), at most `limit`,
    /// with their message metadata; `cursor` is the previous page's `nextCursor` (`nil` for the first page). Slack
    /// may return fewer than `limit` even when more follow; `nextCursor` is `nil` on the last page.
    func historyPage(channel: String, oldest: String?, limit: Int, cursor: String?) async throws
        -> (messages: [JSONValue], nextCursor: String?)
    /// A whole thread (`conversations.replies`, every page): the root first, then the replies, with their message
    /// metadata.
    func thread(channel: String, ts: String) async throws -> [JSONValue]
    /// Joins a public channel.
    func join(channel: String) async throws
    /// The direct-message channel (`D…`) between Vigil and `user` (`conversations.open`); messages that are later
    /// updated with `chat.update` must be posted there rather than to the user id.
    func openDirectMessage(user: String) async throws -> String
    /// Answers a slash command or interaction through its `response_url`.
    func respond(responseURL: String, payload: JSONValue) async throws
    /// Whether a channel is private (`conversations.info`'s `is_private`; unknown counts as private).
    func channelIsPrivate(channel: String) async throws -> Bool
    /// Who is in a channel (`conversations.members`, every page).
    func channelMembers(channel: String) async throws -> Set<String>
}
