import VigilBase
import VigilStorage
/// What an action on an incident did.
struct ActionResult: Sendable {
    /// What to tell the person.
    var reply: ConversationReply
    /// Whether something changed (a button then needs no extra answer: the message shows it).
    var changed: Bool
}

/// Where an action came from: how it is audited, and the message a button was on.
struct ActionSource: Sendable {
    /// Who acted.
    var user: String
    /// How the action arrived.
    var via: AuditEntry.Via
    /// The investigation message's blocks as the click saw them.
    var messageBlocks: [JSONValue] = []
    /// The message the button was on (when the incident has no investigation ts on record).
    var messageTS: String? = nil
    /// The person's own team, when the event says (differs from the workspace's for Slack Connect guests).
    var team: String? = nil
    /// The channel the request came from (a click's, a mention's, the slash command's); asking from an
    /// incident's own channel shows the person can see it.
    var channel: String? = nil
}
