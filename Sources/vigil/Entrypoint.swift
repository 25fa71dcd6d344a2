import VigilCore
@main struct Entrypoint { static func main() {} }
