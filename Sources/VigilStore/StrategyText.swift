public import VigilCore

/// A strategy discussion as text.
public enum StrategyText {
    /// The audit entry's detail: when, with whom, what it decided, and the note.
    public static func audit(_ discussion: StrategyDiscussion) -> String {
        "held \(Timestamp.format(discussion.heldAt)) with \(discussion.attendees.joined(separator: ", ")): \(discussion.outcome.rawValue)"
            + (discussion.note.isEmpty ? "" : "; \(discussion.note)")
    }
}
