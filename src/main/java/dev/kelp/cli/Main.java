package dev.kelp.cli;

import dev.kelp.util.KelpException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. Each subcommand is its own class in this package; business logic lives in the
 * pipeline packages. Errors reach the user as one line: {@code kelp: what is wrong}.
 */
@Command(
        name = "kelp",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Turns a Linux kernel fix into a verified livepatch module.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BuildCommand.class,
            TestCommand.class,
            InspectCommand.class,
            ChecksumCommand.class,
            DiffCommand.class,
            SymbolsCommand.class,
            ConvertCommand.class,
            ClonesCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs kelp in-process and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * A bad command line is an error like any other (exit 1: exit 2 means "unsupported change"),
     * in one line that says where the help is, not picocli's usage text after the message.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println("kelp: " + e.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        cl.getErr().flush();
        return KelpException.ERROR;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof KelpException ke) {
            System.err.println("kelp: " + ke.getMessage());
            return ke.exitCode();
        }
        if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            System.err.println("kelp: " + describe(io));
            return KelpException.ERROR;
        }
        System.err.println("kelp: internal error: " + e + " (set KELP_DEBUG=1 for the stack trace,"
                + " and please report it)");
        if (System.getenv("KELP_DEBUG") != null) {
            e.printStackTrace();
        }
        return KelpException.ERROR;
    }

    private static String describe(Throwable io) {
        if (io instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (io instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        return String.valueOf(io.getMessage());
    }

    /** Version from the jar manifest, or the development marker when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kelp " + (v == null ? "0.1.0-dev" : v)};
        }
    }
}
