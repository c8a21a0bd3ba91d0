import Foundation
import VigilFuzzTargets

/// libFuzzer's entry point: one binary for every parser that reads outside input, the target chosen by
/// `$VIGIL_FUZZ_TARGET` (Scripts/campaigns/fuzz runs each). Any trap, sanitizer report or leak is a crash
/// that libFuzzer saves; every input must otherwise end in a result or a reported error.
@_cdecl("LLVMFuzzerTestOneInput")
public func vigilFuzzOneInput(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    FuzzTarget.current.run(bytes)
    return 0
}
