import VigilStorage

/// Where a command came from — a mention, a DM or `/vigil` — for running it and delivering the answer.
///
/// ``MessageHandler`` and ``SlashCommandHandler`` build one for each message; ``ConversationCommandExecutor`` reads
/// from it who asked (``source``), who reads the answer (``viewer``) and which incident a thread is about.
struct CommandOrigin: Sendable {
    /// Where the command was written.
    enum Place: Sendable {
        /// A mention in the thread of an alert Vigil knows.
        case alertThread(Incident)
        /// A mention anywhere else; answered in the message's thread.
        case channel(threadTS: String)
        /// A direct message; answered in the DM (in its thread when it was a thread reply).
        case direct(threadTS: String?)
        /// The slash command; answered ephemerally.
        case slash
    }

    /// Who wrote it.
    var user: String
    /// Their own team, when the event says (Slack Connect guests have another than the workspace's).
    var team: String? = nil
    /// The channel it was posted in.
    var channel: String
    /// What kind of place that is.
    var place: Place

    /// How actions it causes are audited.
    var via: AuditEntry.Via {
        if case .slash = place { return .command }
        return .text
    }

    /// The action source for this command's author. A DM's channel is Vigil's with them, never an alert
    /// channel, so only channel posts and slash commands vouch for seeing their channel.
    var source: ActionSource { ActionSource(user: user, via: via, team: team, channel: channel) }

    /// Who sees the answer: the thread's channel for replies in channels, else the person.
    var viewer: Viewer {
        switch place {
        case .alertThread(let incident): .channelReaders(incident.channel)
        case .channel: .channelReaders(channel)
        case .direct, .slash: .person(source)
        }
    }

    /// The alert thread's incident, if any.
    var incident: Incident? {
        if case .alertThread(let incident) = place { return incident }
        return nil
    }
}
