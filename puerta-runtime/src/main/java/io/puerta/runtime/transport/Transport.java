package io.puerta.runtime.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll on Linux when it loads (fewer copies and syscalls), NIO everywhere else. */
public enum Transport {
    EPOLL,
    NIO;

    public static Transport choose(boolean preferNative) {
        return preferNative && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * @param threads how many event loops; 0 is {@link #defaultLoops()}
     */
    public EventLoopGroup group(int threads, String name) {
        if (threads == 0) {
            threads = defaultLoops();
        }
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return this == EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /**
     * Half the available processors, at least one. A proxy's loop spends two thirds of its time in the kernel sending
     * and receiving, and on a small host it shares the cores with that kernel work, the JVM and often its clients.
     * Fewer loops also gather more requests into each backend write. On the 2-core machine of docs/performance.md one
     * loop against two, GET at pipeline 1: 23 against 29 µs of CPU per request and 1.2× the throughput; at
     * pipeline 16 no loss. Netty's own default, twice the processors, was worse still (38 µs).
     */
    public static int defaultLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> clientChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
