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

/* pkt_cli_open_hint — what to do about a failed open, by PKT_ERR_* code
 * (" (check the path)"); "" when there is nothing to add. */
const char *pkt_cli_open_hint(int code);

int pkt_cmd_read(int argc, char **argv);
int pkt_cmd_convert(int argc, char **argv);
int pkt_cmd_stats(int argc, char **argv);
int pkt_cmd_bench(int argc, char **argv);
int pkt_cmd_devices(int argc, char **argv);
int pkt_cmd_capture(int argc, char **argv);
int pkt_cmd_inject(int argc, char **argv);
int pkt_cmd_follow(int argc, char **argv);
int pkt_cmd_flows(int argc, char **argv); /* flows feature */

#endif
