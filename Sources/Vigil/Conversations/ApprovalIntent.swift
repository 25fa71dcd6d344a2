/// What an approver's free-text reply means.
public enum ApprovalIntent: String, Sendable, Hashable, CaseIterable {
    /// A clear yes ("approve", "go ahead", "👍").
    case approve
    /// A clear no ("deny", "don't", "not approved", "👎").
    case deny
    /// Anything else: hedged, mixed, a question, a double negative. Vigil asks again and never guesses.
    case unclear
}
