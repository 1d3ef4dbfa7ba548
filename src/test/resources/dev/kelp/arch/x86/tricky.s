# Encodings the decoder must get right; assembled by the test with `as` and compared with objdump.
        .text
        .globl tricky
tricky:
        endbr64
        call    tricky
        jmp     tricky
        jmp     1f
        je      tricky
        jne     1f
1:      jrcxz   1b
        loop    1b
        xbegin  1b
        ret
        ret     $8
        lretq
        int3
        ud2
        ud1     (%rax),%eax
        enter   $0x20,$1
        leave
        movabs  $0x1122334455667788,%rax
        movabs  $0x1122334455667788,%r11
        movabs  0x1122334455667788,%eax
        movabs  %rax,0x1122334455667788
        movabs  0x1122334455667788,%al
        addr32 mov 0x11223344,%eax
        mov     $0x1a3,%esi
        mov     $0x1a3,%edx
        mov     $-1,%r8d
        mov     $0x12,%sil
        movw    $0x1234,%ax
        movq    $-5,0x10(%rsp)
        movl    $7,0x1000(%rip)
        movb    $1,(%rax,%rbx,4)
        movw    $2,0x7f(%rbp,%rcx,8)
        testb   $0x80,0x3(%rdi)
        testl   $0x10000,0x8(%rsi)
        testw   $1,%ax
        test    %eax,%ecx
        notl    (%rdx)
        negq    %rax
        mull    0x1234(%rip)
        idivq   0x12345678(,%rax,8)
        imul    $0x1000,%rcx,%rdx
        imul    $3,%rcx,%rdx
        push    $0x12345678
        push    $-1
        pushw   $0x1234
        push    %r12
        pop     %r15
        pushq   0x8(%rax)
        popq    (%rax)
        lea     0x0(%rip),%rdi
        lea     (%rax,%rbx,2),%rcx
        lea     0x0(,%rax,8),%rcx
        lea     (%rbp),%rax
        lea     (%r13),%rax
        lea     (%rsp),%rax
        lea     (%r12),%rax
        call    *%rax
        call    *0x8(%rax)
        call    *0x0(%rip)
        jmp     *%rax
        jmp     *0x10(,%rax,8)
        notrack jmp *%rax
        .byte 0x2e, 0xff, 0xd0
        lock cmpxchg %rcx,(%rdx)
        lock incl %gs:0x10
        rep movsb
        repnz scasb
        mov     %gs:0x28,%rax
        mov     %fs:0,%rax
        cmpl    $0x12345,0x100(%rip)
        cmpb    $5,0x100(%rip)
        addq    $0x7f,0x0(%rip)
        shl     $3,%rax
        shrd    $4,%rax,%rbx
        bt      $5,%eax
        btsq    $63,(%rdi)
        in      $0x60,%al
        out     %al,$0x80
        int     $0x80
        syscall
        sysretq
        swapgs
        rdtsc
        rdtscp
        cpuid
        wrmsr
        clac
        stac
        lfence
        mfence
        sfence
        pause
        hlt
        cli
        sti
        iretq
        xchg    %ax,%ax
        nop
        nopw    %ax
        nopl    (%rax)
        nopl    0x0(%rax)
        nopl    0x0(%rax,%rax,1)
        nopw    0x0(%rax,%rax,1)
        nopl    0x0(%rax)
        nopl    0x00000000(%rax)
        nopl    0x00000000(%rax,%rax,1)
        nopw    0x00000000(%rax,%rax,1)
        .byte 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0
        .byte 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0
        xchg    %eax,%r8d
        .byte 0x0f, 0x19, 0xc0, 0x0f, 0x1e, 0xc8, 0x0f, 0x1d, 0x00, 0x0f, 0x1f, 0x48, 0x00, 0x0f, 0x18, 0x00
        .byte 0xf3, 0x0f, 0x1e, 0xc8, 0xf3, 0x48, 0x0f, 0x1e, 0xc8, 0x0f, 0x1c, 0x00
        mov     %cr3,%rax
        mov     %rax,%cr4
        mov     %db7,%rax
        movzbl  (%rdi),%eax
        movsbq  0x1(%rdi),%rax
        movslq  %eax,%rdx
        cmovne  %rax,%rdx
        sete    %al
        bswap   %eax
        popcnt  %rax,%rdx
        lzcnt   %eax,%edx
        tzcnt   %eax,%edx
        crc32q  %rax,%rdx
        movbe   (%rax),%edx
        pshufd  $0x1b,%xmm1,%xmm2
        pshufw  $0x1b,%mm1,%mm2
        psrldq  $4,%xmm3
        pextrw  $1,%xmm1,%eax
        pinsrw  $2,%eax,%xmm1
        shufps  $0x44,%xmm1,%xmm2
        cmpps   $1,%xmm1,%xmm2
        palignr $8,%xmm1,%xmm2
        pclmulqdq $0x11,%xmm1,%xmm2
        aesenc  %xmm1,%xmm2
        sha256rnds2 %xmm0,%xmm1,%xmm2
        movdqu  0x10(%rdi),%xmm0
        movaps  %xmm0,-0x20(%rsp)
        vzeroupper
        vzeroall
        vpxor   %ymm1,%ymm2,%ymm3
        vpxor   %ymm9,%ymm10,%ymm11
        vmovdqu 0x20(%rdi,%rcx,4),%ymm0
        vpshufd $0x1b,%ymm1,%ymm2
        vpalignr $8,%ymm1,%ymm2,%ymm3
        vpermq  $0x4e,%ymm1,%ymm2
        vpbroadcastd %xmm1,%ymm2
        vpshufb 0x0(%rip),%ymm1,%ymm2
        vpslld  $3,%ymm1,%ymm2
        vinserti128 $1,%xmm1,%ymm2,%ymm3
        andn    %eax,%ebx,%ecx
        rorx    $5,%rax,%rbx
        mulx    %rax,%rbx,%rcx
        vpaddd  %zmm1,%zmm2,%zmm3
        vpaddd  0x40(%rax),%zmm2,%zmm3{%k1}{z}
        vmovdqu64 -0x80(%rsp),%zmm5
        vpternlogd $0x96,%zmm1,%zmm2,%zmm3
        vprold  $7,%zmm1,%zmm2
        vpshufd $0x1b,%zmm1,%zmm2
        kmovw   %k1,%eax
        femms
        pfadd   %mm1,%mm2
        pfmul   0x8(%rax),%mm3
        extrq   $4,$8,%xmm1
        insertq $4,$8,%xmm1,%xmm2
        fldl    0x8(%rsp)
        fstps   (%rax)
        fadd    %st(1),%st
        fnstcw  (%rsp)
        xlat
        cwtl
        cltq
        cqto
        sahf
        pushf
        popf
        rdrand  %rax
        rdseed  %eax
        xsave   (%rdi)
        xrstor  (%rdi)
        xgetbv
        wbinvd
        invlpg  (%rax)
        vmcall
        vmlaunch
        vmresume
        vmread  %rax,%rbx
        vmwrite %rax,%rbx
        invpcid (%rax),%rbx
        clflush (%rdi)
        clflushopt (%rdi)
        clwb    (%rdi)
        prefetcht0 (%rdi)
        prefetchw (%rdi)
        sldt    %eax
        lgdt    (%rax)
        lidt    (%rax)
        ltr     %ax
        rdpid   %rax
        rdpkru
        wrpkru
        encls
        movdir64b (%rax),%rcx
        umonitor %rax
        tpause  %eax
        serialize
        xstore
        rep xcryptecb
        rep xcryptcbc
        rep xsha1
        rep xsha256
        rep montmul
        ud0     (%rax),%eax
        .byte 0x2e, 0xe8, 0, 0, 0, 0
        jmp     .+0x1000
        call    .+0x12345
        jle     .-0x1000
        jmp     .
