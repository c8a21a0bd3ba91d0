import Foundation
import VigilTesting

/// The suite's fixed instant and a day (`TestInstants`).
let t0 = TestInstants.t0
let day = TestInstants.day
