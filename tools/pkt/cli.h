/* pkt — shared declarations of the CLI's subcommands. */
#ifndef PKT_CLI_H
#define PKT_CLI_H

#define PKT_EXIT_OK 0
#define PKT_EXIT_INPUT 1 /* the input had errors; what was read was printed */
#define PKT_EXIT_USAGE 2

struct pkt_cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

int pkt_cmd_read(int argc, char **argv);
int pkt_cmd_convert(int argc, char **argv);
int pkt_cmd_stats(int argc, char **argv);
int pkt_cmd_bench(int argc, char **argv);

#endif
