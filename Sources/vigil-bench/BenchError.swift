/// A bench failure with a message that says what went wrong.
struct BenchError: Error, CustomStringConvertible {
    /// What happened and what to do.
    let description: String

    /// Creates an error with its message.
    init(_ description: String) { self.description = description }
}
