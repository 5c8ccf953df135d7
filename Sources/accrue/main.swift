import AccrueCLI
import Foundation

// The executable only connects the process to the library: arguments in, exit status out.
let io = StandardOutput()
var status = CLI.run(Array(CommandLine.arguments.dropFirst()), io: io)
io.flush()
// Output that could not be written (a full disk, a device error) is a failure the user hears about, whatever the
// command did (an `apply` that committed says so in its output, which is what did not arrive).
if let message = io.stdoutFailure {
  io.err(message)
  status = 1
} else if io.stdoutError == EPIPE {
  // The reader went away (`accrue plan | head`): quiet, as the shell expects.
  status = 1
}
exit(status)
