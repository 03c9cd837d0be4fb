/*	$NetBSD$	*/

/*-
 * Copyright (c) 2026 The xenballoon project.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHORS AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHORS OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 */

/*
 * The PVH guest kernel's entry.  Xen starts us in 32-bit protected mode,
 * paging off, at the address of the XEN_ELFNOTE_PHYS32_ENTRY note, with
 * %ebx pointing at struct hvm_start_info.  We identity-map the first
 * 4 GiB with 2 MiB pages, map it again at PVH_DIRECT_MAP (the RAM that
 * uvm hands out, so that no page address is ever 0), enter long mode
 * and call pvh_main(start_info).
 */

#define XEN_ELFNOTE_PHYS32_ENTRY	18

#define CR0_PE		0x00000001
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define EFER_MSR	0xc0000080
#define EFER_LME	0x00000100
#define PG_V		0x001
#define PG_RW		0x002
#define PG_PS		0x080

	.section .note.Xen, "a", @note
	.p2align 2
	.long	4			/* namesz: "Xen\0" */
	.long	4			/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.long	start

	.section .text.boot, "ax", @progbits
	.code32
	.globl	start
start:
	cli
	cld
	movl	%ebx, %esi		/* keep start_info */

	/* 4 page directories of 512 2 MiB pages: 0 to 4 GiB. */
	movl	$pvh_pd, %edi
	xorl	%eax, %eax
	orl	$(PG_V | PG_RW | PG_PS), %eax
	xorl	%edx, %edx
	movl	$(4 * 512), %ecx
1:	movl	%eax, (%edi)
	movl	%edx, 4(%edi)
	addl	$0x200000, %eax
	adcl	$0, %edx
	addl	$8, %edi
	loop	1b

	/* The PDPT's first 4 entries point at them. */
	movl	$pvh_pdpt, %edi
	movl	$pvh_pd, %eax
	orl	$(PG_V | PG_RW), %eax
	movl	$4, %ecx
2:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$0x1000, %eax
	addl	$8, %edi
	loop	2b

	/* PML4: slot 0 (identity) and slot 1 (the direct map), one PDPT. */
	movl	$pvh_pdpt, %eax
	orl	$(PG_V | PG_RW), %eax
	movl	%eax, pvh_pml4
	movl	%eax, pvh_pml4 + 8

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$pvh_pml4, %eax
	movl	%eax, %cr3
	movl	$EFER_MSR, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_PG), %eax
	movl	%eax, %cr0

	lgdt	pvh_gdtr
	ljmp	$0x08, $start64

	.code64
start64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	pvh_stack_top(%rip), %rsp
	movl	%esi, %edi		/* start_info, zero-extended */
	call	pvh_main
3:	hlt
	jmp	3b

/*
 * pvh_swtch(uint64_t *oldsp, uint64_t newsp): save the callee-saved
 * registers on this stack, its pointer in *oldsp, and resume the
 * thread whose stack is newsp.
 */
	.text
	.globl	pvh_swtch
pvh_swtch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.section .rodata
	.p2align 4
pvh_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
pvh_gdt_end:
pvh_gdtr:
	.word	pvh_gdt_end - pvh_gdt - 1
	.long	pvh_gdt

	.bss
	.p2align 12
pvh_pml4:
	.space	4096
pvh_pdpt:
	.space	4096
pvh_pd:
	.space	4 * 4096
	.p2align 4
pvh_stack:
	.space	65536
pvh_stack_top:

	.section .note.GNU-stack, "", @progbits
