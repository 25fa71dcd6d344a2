/// Vigil's version, shown by `/vigil status` and `vigil --version`.
public enum VigilVersion {
    public static let current = "0.1.0"
}
