/*
 * The inter-process writer lock of a file.
 *
 * Every writer (any mode but read-only) holds an flock() on the file for as
 * long as it has the file open: exclusive, or shared for RSF parallel writers.
 * The kernel drops it when the process dies, so it tells a live writer from a
 * crashed one. The on-disk flag of each container (XDF `rwflg`, RSF segment-0
 * flag) stays the format's own marker, which librmn honours: a flag without a
 * lock holder is a writer that is gone (or a program that does not take this
 * lock, e.g. librmn, or one on another host).
 *
 * flock() is used rather than fcntl() byte-range locks because librmn's RSF
 * writers take short whole-file fcntl locks (and poll until they get them):
 * an fcntl lock held for a whole session would make them spin, while flock
 * and fcntl locks do not interact on Linux. Readers never lock anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fst_internal.h"

/* The first process holding an flock on the file's inode, from /proc/locks
 * (Linux). Returns 1 (*pid set) if one is listed, 0 if none, -1 if the table
 * cannot be read. */
static int flock_holder(int fd, long *pid) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    FILE *fp = fopen("/proc/locks", "re");
    if (!fp) return -1;
    char line[256];
    int found = 0;
    while (fgets(line, sizeof line, fp)) {
        /* "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2170879 0 EOF"; "-> " marks a waiter */
        if (strstr(line, "->") || !strstr(line, "FLOCK")) continue;
        char kind[16], adv[16], rw[16], dev_ino[64];
        long who;
        if (sscanf(line, "%*d: %15s %15s %15s %ld %63s", kind, adv, rw, &who, dev_ino) != 5) continue;
        const char *colon = strrchr(dev_ino, ':');
        if (!colon || strtoull(colon + 1, NULL, 10) != (unsigned long long)st.st_ino) continue;
        *pid = who;
        found = 1;
        break;
    }
    fclose(fp);
    return found;
}

int fst_writer_alive(struct fst24_file *f, long *pid) {
    long who = 0;
    int r = flock_holder(f->fd, &who);
    if (pid) *pid = r == 1 ? who : 0;
    return r;
}

/* "process 1234 on host h" / "this process" / "a process that could not be identified". */
static void describe_holder(int fd, char *out, size_t n) {
    long pid = 0;
    char host[128] = "";
    if (flock_holder(fd, &pid) != 1 || pid <= 0) {
        snprintf(out, n, "a process that could not be identified");
        return;
    }
    if (pid == (long)getpid()) {
        snprintf(out, n, "this process (the file is already open for writing here)");
        return;
    }
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    host[sizeof host - 1] = '\0';
    snprintf(out, n, "process %ld on host %s", pid, host[0] ? host : "(this host)");
}

int fst_lock_writer(struct fst24_file *f, int shared) {
    int op = (shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    for (;;) {
        if (flock(f->fd, op) == 0) {
            f->os_lock = shared ? 1 : 2;
            f->lock_pid = (long)getpid();
            return FST24_OK;
        }
        if (errno == EINTR) continue;
        break;
    }
    int err = errno;
    if (err == EWOULDBLOCK) {
        char who[256];
        describe_holder(f->fd, who, sizeof who);
        return fst_error(FST24_E_LOCKED,
                         "%s: another writer has the file open (%s); wait until it closes the file "
                         "(force_write does not override a writer that is still running)",
                         f->path, who);
    }
    /* Some network file systems have no flock: the on-disk flag is all there is. */
    if (err == ENOLCK || err == EOPNOTSUPP || err == ENOSYS || err == EINVAL) {
        f->os_lock = 0;
        return FST24_OK;
    }
    return fst_error(FST24_E_IO, "%s: cannot take the writer lock: %s", f->path, strerror(err));
}

int fst_stale_flag_error(struct fst24_file *f, const char *flag) {
    if (!f->os_lock)
        return fst_error(FST24_E_LOCKED,
                         "%s: the file is marked open for writing (%s) by another writer, or by one that "
                         "crashed; open it with force_write only if that writer is gone",
                         f->path, flag);
    return fst_error(FST24_E_LOCKED,
                     "%s: the file is marked open for writing (%s) but no writer on this host holds "
                     "its lock: its writer crashed, or a program that does not take fst24's lock "
                     "(librmn, or a process on another host) is writing it; open it with force_write "
                     "only if that writer is gone",
                     f->path, flag);
}

void fst_unlock_writer(struct fst24_file *f) {
    /* The lock belongs to the open file description, which a fork() shares:
     * release it explicitly, so that children still holding the descriptor do
     * not keep it; but only in the process that took it. */
    if (f->os_lock && f->fd >= 0 && f->lock_pid == (long)getpid()) flock(f->fd, LOCK_UN);
    f->os_lock = 0;
}

int fst_probe_writer(struct fst24_file *f) {
    long pid = 0;
    int r = flock_holder(f->fd, &pid);
    if (r == 0) return FST24_OK;
    if (r < 0) {
        /* No lock table to read: try the lock itself, and let it go at once. */
        if (flock(f->fd, LOCK_EX | LOCK_NB) == 0) {
            flock(f->fd, LOCK_UN);
            return FST24_OK;
        }
        if (errno != EWOULDBLOCK) return FST24_OK; /* no flock here: only the flag can tell */
    }
    char who[256];
    describe_holder(f->fd, who, sizeof who);
    return fst_error(FST24_E_LOCKED, "%s: another writer has the file open (%s); wait until it closes the file",
                     f->path, who);
}
