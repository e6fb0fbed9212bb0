"use client";

import type * as Forms from "@/components/bots/knowledge-forms";
import { deferred, lazyPart } from "@/components/lazy/defer";

/**
 * The knowledge forms that start hidden (knowledge-forms.tsx) without their code in the bot page's
 * first load. AddKnowledge, shown to those who manage bots, calls `usePreloadWhenIdle(knowledgeForms)`
 * so that the code is there by the time one of its tabs or a Q&A's edit dialog opens.
 */
export const knowledgeForms = deferred<typeof Forms>(() => import("@/components/bots/knowledge-forms"));

export const CuratedAnswerForm = lazyPart(knowledgeForms, "CuratedAnswerForm");
export const FileUpload = lazyPart(knowledgeForms, "FileUpload");
export const UrlSourceForm = lazyPart(knowledgeForms, "UrlSourceForm");
