/// Vigil's persistent state: dedupe gates, alerts, incidents and their history, watched channels, silences, the
/// audit log, channel cursors and storm summaries.
///
/// ## Requirements, by concern
/// - ``DedupeStore``: the event and message dedupe gates, and pruning.
/// - ``IncidentStore``: alert posts, incidents, people's actions on them, owed investigations.
/// - ``IncidentAnalysisStore``: history, flapping, related incidents, alert rate.
/// - ``ChannelStateStore``: watched channels, catch-up cursors, storm summaries.
/// - ``SilenceStore``: silences.
/// - ``AuditStore``: the audit log.
///
/// Every row belongs to a *workspace* (the Slack team id), and every query is scoped to one, so a single store can
/// serve several workspaces. Incident and silence ids are unique across the whole store.
///
/// ## Backends
/// ``SQLiteVigilStore`` is the embedded implementation (one file next to the daemon). The protocol is deliberately
/// narrow and fully `async` so that a shared PostgreSQL store can be added later (for a team running Vigil on more
/// than one host) without touching callers: implementations must keep each method atomic (the state logic of
/// ``IncidentStore/recordAlert(_:workspace:channel:ts:threadTS:at:)`` runs in one transaction) and concurrency-safe
/// (the dedupe gates are insert-if-absent operations, true for exactly one caller).
///
/// ## Time
/// No method reads the clock: every time is passed in (`at:`, `now:`, `since:`), so callers and tests control it.
/// Times are stored as seconds since 1970 (a `Double`), which orders correctly and maps onto any SQL dialect.
///
/// ## Errors
/// Methods throw ``VigilStoreError`` for problems the operator must fix, and let database errors and
/// `CancellationError` propagate otherwise.
public protocol VigilStore: DedupeStore, IncidentStore, IncidentAnalysisStore, ChannelStateStore, SilenceStore, AuditStore {}
