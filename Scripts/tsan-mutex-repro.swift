// Minimal reproduction for Scripts/tsan-suppressions.txt: four threads update a static
// Synchronization.Mutex under withLock, which is correct, yet on Swift 6.3.1/Linux
//   swiftc -sanitize=thread -o /tmp/m Scripts/tsan-mutex-repro.swift && /tmp/m
// prints "WARNING: ThreadSanitizer: Swift access race": the Mutex is built on futex calls and
// atomics inside the uninstrumented standard library, which ThreadSanitizer cannot see.
import Synchronization
import Foundation
enum C { static let m = Mutex<[Int: Int]>([:]) }
DispatchQueue.concurrentPerform(iterations: 4) { i in
    for k in 0..<10_000 { C.m.withLock { $0[k % 64, default: 0] += i } }
}
print(C.m.withLock { $0.count })
