import Foundation
import VigilCore
import VigilTesting

/// The suite's fixed instant (`TestInstants.t0`, 2026-03-01T00:00:00Z).
let t0 = TestInstants.t0

/// A fact set from `fact: value` pairs, each with the given provenance.
func facts(_ values: [FactKind: Bool], from provenance: Provenance = .referral) -> FactSet {
    FactSet(values.map { FactObservation(fact: $0.key, value: $0.value, provenance: provenance, at: t0) })
}
