extension Duration {
    /// Parses a configuration duration: whole numbers with a unit, optionally several in a row, largest first.
    ///
    /// Units: `ms`, `s`, `m`, `h`, `d` (24 h). Examples: `500ms`, `30s`, `15m`, `1h`, `1h30m`, `90d`. White space,
    /// signs, fractions and bare numbers are refused, so `10` (seconds? minutes?) never guesses.
    ///
    /// - Parameter text: The text from the file or environment.
    /// - Returns: The duration, or `nil` when the text is not a duration.
    public init?(configurationText text: String) {
        let units: [(suffix: String, milliseconds: Int64)] = [
            ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        var rest = Substring(text)
        var total: Int64 = 0
        var previousUnit = Int64.max
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix(while: { $0.isASCII && $0.isLetter })
            guard let unit = units.first(where: { $0.suffix == letters }), unit.milliseconds < previousUnit else {
                return nil
            }
            previousUnit = unit.milliseconds
            rest = rest.dropFirst(letters.count)
            total += number * unit.milliseconds
        }
        self = .milliseconds(total)
    }

    /// The duration written the way the configuration file writes it (`90d`, `15m`, `1h30m`, `500ms`).
    public var configurationText: String {
        var milliseconds = components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)]
        where milliseconds >= size {
            text += "\(milliseconds / size)\(suffix)"
            milliseconds %= size
        }
        return text
    }
}
