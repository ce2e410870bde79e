/* pkt devices — list the capture devices and their addresses. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "pkt/pkt.h"

static void devices_usage(FILE *f)
{
    fprintf(f, "usage: pkt devices [--json]\n"
               "List the devices one can capture on: name, flags (up, running, loopback,\n"
               "wireless), description, and every address (IPv4, IPv6, link layer) with\n"
               "its netmask, broadcast and point-to-point destination where present.\n"
               "  --json   print a JSON array instead of a table\n");
}

static const char *family_name(int family)
{
    switch (family) {
    case AF_INET:
        return "inet";
    case AF_INET6:
        return "inet6";
    case AF_PACKET:
        return "link";
    default:
        return "other";
    }
}

static void flags_text(uint32_t flags, char *buf, size_t size)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{PKT_DEV_UP, "up"},
                 {PKT_DEV_RUNNING, "running"},
                 {PKT_DEV_LOOPBACK, "loopback"},
                 {PKT_DEV_WIRELESS, "wireless"}};
    buf[0] = '\0';
    size_t off = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].bit) {
            int n = snprintf(buf + off, size - off, "%s%s", off ? "," : "", names[i].name);
            if (n < 0 || (size_t)n >= size - off)
                break;
            off += (size_t)n;
        }
    if (!off)
        snprintf(buf, size, "-");
}

static void json_string(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void json_addr(const char *key, const struct sockaddr_storage *a)
{
    char buf[64];
    if (a->ss_family == 0)
        return;
    printf(", \"%s\": ", key);
    json_string(pkt_address_string(a, buf, sizeof buf));
}

static void print_json(const pkt_device *d, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++) {
        printf("%s\n  {\"name\": ", i ? "," : "");
        json_string(d[i].name);
        printf(", \"description\": ");
        json_string(d[i].description);
        char flags[64];
        flags_text(d[i].flags, flags, sizeof flags);
        printf(", \"flags\": [");
        if (d[i].flags) {
            int first = 1;
            for (char *tok = strtok(flags, ","); tok; tok = strtok(NULL, ",")) {
                printf("%s\"%s\"", first ? "" : ", ", tok);
                first = 0;
            }
        }
        printf("], \"addresses\": [");
        for (size_t k = 0; k < d[i].address_count; k++) {
            const pkt_device_address *a = &d[i].addresses[k];
            char buf[64];
            printf("%s{\"family\": \"%s\", \"address\": ", k ? ", " : "",
                   family_name(a->addr.ss_family));
            json_string(pkt_address_string(&a->addr, buf, sizeof buf));
            json_addr("netmask", &a->netmask);
            json_addr("broadcast", &a->broadcast);
            json_addr("dstaddr", &a->dstaddr);
            printf("}");
        }
        printf("]}");
    }
    printf("%s]\n", n ? "\n" : "");
}

static void print_table(const pkt_device *d, size_t n)
{
    printf("%-16s %-26s %s\n", "DEVICE", "FLAGS", "DESCRIPTION");
    for (size_t i = 0; i < n; i++) {
        char flags[64];
        flags_text(d[i].flags, flags, sizeof flags);
        printf("%-16s %-26s %s\n", d[i].name, flags, d[i].description ? d[i].description : "");
        for (size_t k = 0; k < d[i].address_count; k++) {
            const pkt_device_address *a = &d[i].addresses[k];
            char buf[64];
            printf("    %-6s %s", family_name(a->addr.ss_family),
                   pkt_address_string(&a->addr, buf, sizeof buf));
            if (a->netmask.ss_family)
                printf(" netmask %s", pkt_address_string(&a->netmask, buf, sizeof buf));
            if (a->broadcast.ss_family)
                printf(" broadcast %s", pkt_address_string(&a->broadcast, buf, sizeof buf));
            if (a->dstaddr.ss_family)
                printf(" peer %s", pkt_address_string(&a->dstaddr, buf, sizeof buf));
            printf("\n");
        }
    }
}

int pkt_cmd_devices(int argc, char **argv)
{
    int json = 0;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"json", no_argument, NULL, 'j'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hj", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            devices_usage(stdout);
            return PKT_EXIT_OK;
        case 'j':
            json = 1;
            break;
        default:
            devices_usage(stderr);
            return PKT_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "pkt devices: unexpected argument '%s'\n", argv[optind]);
        return PKT_EXIT_USAGE;
    }
    pkt_device *devs;
    size_t n;
    pkt_error err;
    if (pkt_find_all_devs(&devs, &n, &err) < 0) {
        fprintf(stderr, "pkt devices: %s\n", err.message);
        return PKT_EXIT_INPUT;
    }
    if (json)
        print_json(devs, n);
    else
        print_table(devs, n);
    pkt_free_devs(devs, n);
    return PKT_EXIT_OK;
}
