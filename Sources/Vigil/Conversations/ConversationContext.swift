import Foundation
import Logging
import VigilStorage

/// What every conversation type of one workspace works with: which workspace, its store, its Web API client, the
/// logger and the clock. One value, handed down to ``MessageHandler``, ``SlashCommandHandler``, ``ButtonHandler``,
/// ``ConversationCommandExecutor``, ``IncidentActions``, ``ApprovalService`` and ``AccessPolicy`` when the workspace
/// starts; none of them keeps its own copy of these five.
struct ConversationContext: Sendable {
    /// The team id; every audit entry and store query carries it.
    let workspace: String
    /// Incidents, silences, watched channels, the audit log and the dedupe gates.
    let store: any VigilStore
    /// The workspace's Web API client.
    let slack: any SlackMessaging
    /// Decisions and failures; never message contents beyond commands' names.
    let logger: Logger
    /// The wall clock (injected so tests control expiry and budgets).
    let now: @Sendable () -> Date

    /// Finds this workspace's incidents and their alerts in ``store``.
    var incidents: IncidentLookup { IncidentLookup(workspace: workspace, store: store) }
}
