import VigilBase

/// An attachment colour classified into the few families alert tools use to signal state and severity.
///
/// Accepts Slack's named colours (`good`, `warning`, `danger`) and hex with or without `#` (`#D63232`, `a30200`,
/// `#fff`), because Slack may hand named colours back as hex.
public enum SlackColor: Sendable, Hashable {
    /// Red (`danger`, `#D63232`, `#E45959`…): firing, high severity.
    case red
    /// Orange/amber/yellow (`warning`, `#FFA059`, `#FFC859`…): warning.
    case amber
    /// Green (`good`, `#36a64f`, `#009900`, `#2eb886`…): resolved / OK.
    case green
    /// Blue (`#7499FF`, `#439FE0`): information.
    case blue
    /// Grey or another colour with no alerting meaning.
    case neutral

    /// Classifies a colour string; `nil` when it is empty or not a colour.
    public init?(_ color: String?) {
        guard let raw = color?.trimmedWhitespace.lowercased(), !raw.isEmpty else { return nil }
        switch raw {
        case "good": self = .green
        case "warning": self = .amber
        case "danger": self = .red
        default:
            guard let (red, green, blue) = Self.rgb(raw) else { return nil }
            self = Self.family(red: red, green: green, blue: blue)
        }
    }

    /// The alert status this colour suggests: red → firing, green → resolved, otherwise none.
    public var statusHint: AlertStatus? {
        switch self {
        case .red, .amber: .firing
        case .green: .resolved
        case .blue, .neutral: nil
        }
    }

    /// The severity this colour suggests when nothing better is known: red → high, amber → warning, blue → info.
    public var severityHint: AlertSeverity? {
        switch self {
        case .red: .high
        case .amber: .warning
        case .blue: .info
        case .green, .neutral: nil
        }
    }

    private static func rgb(_ raw: String) -> (Double, Double, Double)? {
        var hex = Substring(raw)
        if hex.hasPrefix("#") { hex = hex.dropFirst() }
        if hex.count == 3 { hex = Substring(hex.map { "\($0)\($0)" }.joined()) }
        guard hex.count == 6, let value = UInt32(hex, radix: 16) else { return nil }
        return (Double((value >> 16) & 0xFF) / 255, Double((value >> 8) & 0xFF) / 255, Double(value & 0xFF) / 255)
    }

    /// Hue-based family (HSV): low saturation or brightness is neutral.
    private static func family(red: Double, green: Double, blue: Double) -> SlackColor {
        let maximum = max(red, green, blue)
        let minimum = min(red, green, blue)
        let delta = maximum - minimum
        guard maximum > 0.2, delta / maximum >= 0.3 else { return .neutral }
        var hue: Double
        if maximum == red {
            hue = 60 * ((green - blue) / delta)
        } else if maximum == green {
            hue = 60 * ((blue - red) / delta + 2)
        } else {
            hue = 60 * ((red - green) / delta + 4)
        }
        if hue < 0 { hue += 360 }
        switch hue {
        case ..<20, 330...: return .red
        case 20..<70: return .amber
        case 70..<170: return .green
        case 170..<270: return .blue
        default: return .neutral
        }
    }
}
