import AccrueCLI
import Foundation

// The executable only connects the process to the library: arguments in, exit status out.
let io = StandardOutput()
let status = CLI.run(Array(CommandLine.arguments.dropFirst()), io: io)
io.flush()
exit(status)
