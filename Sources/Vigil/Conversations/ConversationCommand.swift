/// What a person asked Vigil to do, parsed from a mention, a DM or `/vigil` (see ``ConversationCommandParser``).
///
/// Incident ids are optional where the context can supply them: in an alert thread the thread's incident is meant.
enum ConversationCommand: Sendable, Hashable {
    /// Where the text came from; the same words mean slightly different things in each.
    enum Context: Sendable, Hashable {
        /// A mention in an alert's thread: the incident is the thread's.
        case alertThread
        /// A direct message, or a mention outside an alert thread: incidents are named by id.
        case direct
        /// The slash command.
        case slash
    }

    /// Lists what can be asked here.
    case help
    /// Thread/DM: an incident's status; slash: the daemon's status.
    case status(incidentID: Int64?)
    /// Open incidents, optionally of one channel.
    case alerts(channel: ChannelReference?)
    /// How often an incident's alert fired before.
    case history(incidentID: Int64?)
    /// History of an alert by name (`/vigil history HighCPU`).
    case historyByName(String)
    /// What else is alerting around an incident.
    case related(incidentID: Int64?)
    /// Run an incident's investigation again.
    case rerun(incidentID: Int64?)
    /// Acknowledge an incident.
    case acknowledge(incidentID: Int64?)
    /// Resolve an incident by hand.
    case resolve(incidentID: Int64?)
    /// Silence an incident's alert identity.
    case silenceIncident(incidentID: Int64?, duration: Duration)
    /// Remove the silences on an incident's alert identity.
    case unsilenceIncident(incidentID: Int64?)
    /// Silence alerts whose name matches a glob (`/vigil silence HighCPU* 2h [reason]`).
    case silencePattern(pattern: String, duration: Duration, reason: String)
    /// The active silences.
    case listSilences
    /// Remove a silence by its id (`/vigil unsilence 7`).
    case removeSilence(id: Int64)
    /// Start watching a channel (`/vigil watch`).
    case watch(ChannelReference)
    /// Stop watching a channel (`/vigil unwatch`).
    case unwatch(ChannelReference)
    /// The watched channels.
    case listChannels
    /// The latest audit entries (`/vigil audit [n]`), for people allowed to read them.
    case audit(limit: Int?)
    /// `approve [request]` / `deny [request]` typed as a command.
    case decide(ApprovalIntent, requestID: String?)
    /// Free text that is not a command (a question in a thread, a reply in a DM).
    case question(String)
    /// A slash subcommand Vigil does not know.
    case unknown(String)
    /// A known command used wrongly; the text says how to use it.
    case usage(String)
}
