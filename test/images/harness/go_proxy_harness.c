/*
 * A stand-in for Fluent Bit's Go output proxy (src/flb_plugin_proxy.c and src/proxy/go/go.c), small
 * enough to run a plugin's shared object under a test: it loads the object and drives it through the
 * same entry points, with the same structures, in the same order, and prints what each call returned.
 *
 *   go_proxy_harness PLUGIN.so SCRIPT
 *
 * SCRIPT has one command per line ('#' starts a comment):
 *
 *   instance ID            start an [OUTPUT] instance (IDs are small integers, in order from 0)
 *   property KEY VALUE...  set a property of the last instance (the rest of the line is the value)
 *   init                   initialize the last instance (FLBPluginInit)
 *   flush ID TAG FILE      flush the msgpack chunk in FILE to instance ID, from another thread
 *   exit ID                stop instance ID (FLBPluginExitCtx, or FLBPluginExit without it)
 *
 * After the script: FLBPluginUnregister, then dlclose. Exit status 0 when every command ran (whatever
 * the plugin returned), 2 on a broken script or plugin.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fluent Bit's constants (flb_plugin_proxy.h, flb_output.h). */
#define PROXY_OUTPUT_PLUGIN 2
#define PROXY_GOLANG 11

/* flb_plugin_proxy_def: the plugin fills it in FLBPluginRegister. */
struct proxy_def {
    int type;
    int proxy;
    int flags;
    char *name;
    char *description;
    int event_type;
    void *config_map;
};

/* flb_api: the functions Fluent Bit lends a proxied plugin, in Fluent Bit's order. */
struct api {
    const char *(*output_get_property)(const char *, void *);
    const char *(*input_get_property)(const char *, void *);
    void *(*output_get_cmt_instance)(void *);
    void *(*input_get_cmt_instance)(void *);
    void (*log_print)(int, const char *, int, const char *, ...);
    int (*input_log_check)(void *, int);
    int (*output_log_check)(void *, int);
    const char *(*custom_get_property)(const char *, void *);
    int (*custom_log_check)(void *, int);
};

/* flb_plugin_proxy_context: one per instance; the plugin sets remote_context in its init. */
struct proxy_context {
    void *remote_context;
    void *proxy;
};

/* flbgo_output_plugin (src/proxy/go/go.h): what FLBPluginInit receives. fluent-bit-go reads its
 * first four fields; the callbacks after them are the proxy's own. */
struct go_output_plugin {
    char *name;
    struct api *api;
    void *o_ins;
    struct proxy_context *context;
    int (*cb_init)(struct go_output_plugin *);
    int (*cb_flush)(const void *, size_t, const char *);
    int (*cb_flush_ctx)(void *, const void *, size_t, char *);
    int (*cb_exit)(void);
    int (*cb_exit_ctx)(void *);
};

#define MAX_INSTANCES 16
#define MAX_PROPERTIES 32

/* The harness's output instance: opaque to the plugin, read back through output_get_property. */
struct instance {
    int id;
    int count;
    char *keys[MAX_PROPERTIES];
    char *values[MAX_PROPERTIES];
    struct proxy_context context;
};

static struct instance instances[MAX_INSTANCES];
static int instance_count;
static struct go_output_plugin plugin;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "go_proxy_harness: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

/* Fluent Bit matches property keys without regard to case and answers NULL for an unset one. */
static const char *output_get_property(const char *key, void *ins)
{
    struct instance *in = ins;
    const char *value = NULL;
    for (int i = 0; i < in->count; i++) {
        if (strcasecmp(in->keys[i], key) == 0) {
            value = in->values[i];
        }
    }
    printf("get %d %s = %s\n", in->id, key, value ? value : "(null)");
    return value;
}

static void log_print(int level, const char *file, int line, const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "[harness log %d %s:%d] ", level, file, line);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

static int output_log_check(void *ins, int level)
{
    (void) ins;
    (void) level;
    return 1;
}

static void *symbol(void *dso, const char *name)
{
    dlerror();
    void *s = dlsym(dso, name);
    return dlerror() == NULL ? s : NULL;
}

static struct instance *instance_by_id(const char *text)
{
    int id = atoi(text);
    if (id < 0 || id >= instance_count) {
        fail("no such instance", text);
    }
    return &instances[id];
}

struct flush_job {
    struct instance *in;
    char *tag;
    char *data;
    size_t size;
    int ret;
};

/* The flush as proxy_go_output_flush makes it: a NUL-terminated copy of the tag, the Ctx entry point
 * when the plugin has one. Fluent Bit runs it on its engine or worker threads, not the init thread. */
static void *flush_thread(void *arg)
{
    struct flush_job *job = arg;
    size_t len = strlen(job->tag);
    char *tag = malloc(len + 1);
    memcpy(tag, job->tag, len + 1);
    if (plugin.cb_flush_ctx) {
        job->ret = plugin.cb_flush_ctx(job->in->context.remote_context, job->data, job->size, tag);
    }
    else {
        job->ret = plugin.cb_flush(job->data, job->size, tag);
    }
    free(tag);
    return NULL;
}

static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail("cannot open chunk", path);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(n > 0 ? n : 1);
    if (n > 0 && fread(data, 1, n, f) != (size_t) n) {
        fail("cannot read chunk", path);
    }
    fclose(f);
    *size = n;
    return data;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fail("usage: go_proxy_harness PLUGIN.so SCRIPT", NULL);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* flb_plugin_proxy_create: dlopen, the API table, a zeroed definition with the type asked for. */
    void *dso = dlopen(argv[1], RTLD_LAZY);
    if (!dso) {
        fail("dlopen", dlerror());
    }
    struct api api = {0};
    api.output_get_property = output_get_property;
    api.log_print = log_print;
    api.output_log_check = output_log_check;
    struct proxy_def *def = calloc(1, sizeof(*def));
    def->type = PROXY_OUTPUT_PLUGIN;

    /* flb_plugin_proxy_register: the optional pre-registration hook, then FLBPluginRegister. */
    int (*pre_register)(int) = symbol(dso, "FLBPluginPreRegister");
    if (pre_register && pre_register(0) == -1) {
        fail("FLBPluginPreRegister refused", NULL);
    }
    int (*cb_register)(struct proxy_def *) = symbol(dso, "FLBPluginRegister");
    if (!cb_register) {
        fail("no FLBPluginRegister", argv[1]);
    }
    int ret = cb_register(def);
    printf("register = %d type=%d proxy=%d flags=%d event_type=%d name=%s description=%s\n", ret,
           def->type, def->proxy, def->flags, def->event_type, def->name ? def->name : "(null)",
           def->description ? def->description : "(null)");
    if (ret == -1 || def->proxy != PROXY_GOLANG || def->type != PROXY_OUTPUT_PLUGIN) {
        fail("not a Go output plugin", argv[1]);
    }

    /* proxy_go_output_register: FLBPluginInit is required, the rest optional. */
    plugin.name = def->name;
    plugin.cb_init = symbol(dso, "FLBPluginInit");
    plugin.cb_flush = symbol(dso, "FLBPluginFlush");
    plugin.cb_flush_ctx = symbol(dso, "FLBPluginFlushCtx");
    plugin.cb_exit = symbol(dso, "FLBPluginExit");
    plugin.cb_exit_ctx = symbol(dso, "FLBPluginExitCtx");
    if (!plugin.cb_init) {
        fail("no FLBPluginInit", argv[1]);
    }
    if (!plugin.cb_flush && !plugin.cb_flush_ctx) {
        fail("neither FLBPluginFlush nor FLBPluginFlushCtx", argv[1]);
    }
    int (*pre_run)(int) = symbol(dso, "FLBPluginOutputPreRun");
    void (*pre_exit)(int) = symbol(dso, "FLBPluginOutputPreExit");
    void (*unregister)(struct proxy_def *) = symbol(dso, "FLBPluginUnregister");

    FILE *script = fopen(argv[2], "r");
    if (!script) {
        fail("cannot open script", argv[2]);
    }
    char line[4096];
    while (fgets(line, sizeof(line), script)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *rest = line + strspn(line, " \t");
        if (*rest == '\0' || *rest == '#') {
            continue;
        }
        char *command = strsep(&rest, " ");
        if (strcmp(command, "instance") == 0) {
            if (instance_count == MAX_INSTANCES || !rest || atoi(rest) != instance_count) {
                fail("instances are numbered 0, 1, ... in order", rest);
            }
            struct instance *in = &instances[instance_count++];
            in->id = atoi(rest);
            in->context.proxy = def;
        }
        else if (strcmp(command, "property") == 0) {
            if (instance_count == 0 || !rest) {
                fail("property before instance", rest);
            }
            struct instance *in = &instances[instance_count - 1];
            char *key = strsep(&rest, " ");
            if (in->count == MAX_PROPERTIES) {
                fail("too many properties", key);
            }
            in->keys[in->count] = strdup(key);
            in->values[in->count] = strdup(rest ? rest : "");
            in->count++;
        }
        else if (strcmp(command, "init") == 0) {
            if (instance_count == 0) {
                fail("init before instance", NULL);
            }
            struct instance *in = &instances[instance_count - 1];
            /* proxy_go_output_init: this instance and its context, then the plugin's init. */
            plugin.api = &api;
            plugin.o_ins = in;
            plugin.context = &in->context;
            ret = plugin.cb_init(&plugin);
            printf("init %d = %d\n", in->id, ret);
            if (ret > 0 && pre_run) {
                printf("pre_run %d = %d\n", in->id, pre_run(0));
            }
        }
        else if (strcmp(command, "flush") == 0) {
            struct flush_job job = {0};
            job.in = instance_by_id(strsep(&rest, " "));
            job.tag = strsep(&rest, " ");
            if (!job.tag || !rest) {
                fail("flush ID TAG FILE", line);
            }
            job.data = read_file(rest, &job.size);
            pthread_t thread;
            if (pthread_create(&thread, NULL, flush_thread, &job) != 0) {
                fail("pthread_create", NULL);
            }
            pthread_join(thread, NULL);
            printf("flush %d %s %zu = %d\n", job.in->id, job.tag, job.size, job.ret);
            free(job.data);
        }
        else if (strcmp(command, "exit") == 0) {
            struct instance *in = instance_by_id(rest ? rest : "");
            /* flb_proxy_output_cb_exit: the pre-exit hook, then the Ctx exit when there is one. */
            if (pre_exit) {
                pre_exit(0);
            }
            ret = plugin.cb_exit_ctx ? plugin.cb_exit_ctx(in->context.remote_context)
                  : plugin.cb_exit   ? plugin.cb_exit()
                                     : 0;
            printf("exit %d = %d\n", in->id, ret);
        }
        else {
            fail("unknown command", command);
        }
    }
    fclose(script);

    /* flb_proxy_output_cb_destroy: FLBPluginUnregister when exported, then the object goes. */
    if (unregister) {
        unregister(def);
        printf("unregister\n");
    }
    free(def);
    dlclose(dso);
    return 0;
}
