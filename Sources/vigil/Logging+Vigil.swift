import Foundation
import Logging

extension Logger {
    /// A logger on standard error at the level of `$VIGIL_LOG_LEVEL` (trace … critical; default warning).
    static func vigil(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["VIGIL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }
}
