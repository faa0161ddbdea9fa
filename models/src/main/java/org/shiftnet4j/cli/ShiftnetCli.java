package org.shiftnet4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./shiftnet}. */
@Command(name = "shiftnet", mixinStandardHelpOptions = true, versionProvider = ShiftnetCli.Version.class,
        description = "Runs shift-based CNNs (ShiftNet, ShiftResNet) on the Java Vector API.",
        subcommands = {DemoCommand.class, InfoCommand.class, InitCommand.class, RunCommand.class, ExportCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class ShiftnetCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call this to run commands in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ShiftnetCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Users get a one-line reason, not a stack trace, for the errors we raise on bad input.
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            PrintWriter err = line.getErr();
            if (e instanceof java.nio.file.NoSuchFileException missing) {
                err.println("shiftnet: no such file: " + missing.getFile());
                return 2;
            }
            if (e instanceof java.nio.file.AccessDeniedException denied) {
                err.println("shiftnet: permission denied: " + denied.getFile());
                return 2;
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                err.println("shiftnet: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ShiftnetCli.class.getPackage().getImplementationVersion();
            return new String[] {"shiftnet4j " + (v == null ? "(development build)" : v) + " on Java "
                    + Runtime.version()};
        }
    }
}
